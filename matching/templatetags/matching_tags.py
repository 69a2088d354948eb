from django import template

from matching.peers import peers_for

register = template.Library()


@register.inclusion_tag("matching/peers.html")
def peers(municipality, limit: int = 6) -> dict:
    return {"peers": peers_for(municipality, limit), "municipality": municipality}
