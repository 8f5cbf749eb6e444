"""URL converters. `<id:…>` is `<int:…>` capped at 18 digits, so an absurd number in a URL is a
plain 404 instead of an integer the database cannot hold (an error page)."""

from django.urls import register_converter
from django.urls.converters import IntConverter


class DatabaseIdConverter(IntConverter):
    regex = "[0-9]{1,18}"


register_converter(DatabaseIdConverter, "id")
