"""Whether the viewer may make a no-login link, for the buttons on the task and network pages
(those pages belong to other views; one include line each keeps them unchanged otherwise). The
services check the same rules again when the link is made."""

from __future__ import annotations

from typing import Any

from django import template

from netweave.people import links

register = template.Library()


@register.simple_tag
def may_link_task(user: Any, task: Any) -> bool:
    return bool(task.is_open) and links.may_link_task(user, task)


@register.simple_tag
def may_link_seed(user: Any, network: Any) -> bool:
    return network.status != "dissolved" and links.may_link_seed(user, network)
