"""Staff record pages (placeholder: the people pages are being built)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from . import selectors
from .models import Person


@login_required
def list_people(request):
    return render(
        request, "people/list_people.jinja", {"people": selectors.people_for(request.user)}
    )


@login_required
def show_person(request, pk: int):
    try:
        person = selectors.get_person(request.user, pk)
    except Person.DoesNotExist:
        raise Http404 from None
    return render(request, "people/list_people.jinja", {"people": [person]})
