from django_tasks import task

from search.indexing import process_outbox


@task()
def process_index_tasks() -> None:
    process_outbox()
