from django import template

from matching.peers import peers_list

register = template.Library()


@register.inclusion_tag("matching/peers.html")
def peers(municipality, limit: int = 6) -> dict:
    return {"peers": peers_list(municipality, limit), "municipality": municipality}
