"""sitemap.xml: every live public Wagtail page (cases, topic index, text pages), the topic pages and the
profiles of municipalities that take part (lead or adopt a case). Profiles of the other ~10,000
municipalities hold no content of their own, so they are left to the site's internal links."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Q, QuerySet
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from municipalities.models import Municipality
from solutions.models import Topic
from solutions.selectors import topics_in_use


class TopicSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Topic]:
        return topics_in_use().order_by("slug")


class MunicipalitySitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self) -> QuerySet[Municipality]:
        live_lead = Q(led_solutions__live=True)
        live_adopter = Q(adoptions__page__live=True)
        return Municipality.objects.filter(live_lead | live_adopter).distinct().order_by("ags")

    def lastmod(self, municipality: Municipality):
        return municipality.updated_at


SITEMAPS = {"seiten": WagtailSitemap, "themen": TopicSitemap, "kommunen": MunicipalitySitemap}
