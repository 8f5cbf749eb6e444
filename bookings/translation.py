"""The texts staff write that patrons read, in fi, sv and en (django-modeltranslation).

Each field below gets a column per language (`name_fi`, `name_sv`, `name_en`); reading `name`
gives the active language's text, or the Finnish one where that is empty. Messages and
calendar files are made inside `translation.override(<the patron's language>)`, so they read
the patron's language too.
"""

from modeltranslation.translator import TranslationOptions, register

from bookings.models import Closure, DeviceType, Library, Referral, Topic


@register(Library)
class LibraryTranslation(TranslationOptions):
    fields = ("name", "place", "accessibility", "parking")


@register(DeviceType)
class DeviceTypeTranslation(TranslationOptions):
    fields = ("name",)


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name", "bring_note")


@register(Closure)
class ClosureTranslation(TranslationOptions):
    fields = ("reason",)


@register(Referral)
class ReferralTranslation(TranslationOptions):
    fields = ("name",)
