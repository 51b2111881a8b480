"""Partner API serializers: public-safe fields only (no attendee names, e-mails or meeting links)."""

from rest_framework import serializers

from ..models import Event


class OutreachEventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    audience_label = serializers.CharField(source="get_audience_display", read_only=True)
    host_organisation = serializers.CharField(
        source="host_organisation.name", read_only=True, allow_null=True, default=None
    )
    registered = serializers.IntegerField(read_only=True, help_text="How many have registered.")
    attendees = serializers.IntegerField(read_only=True, help_text="How many attended (a count, never names).")

    class Meta:
        model = Event
        fields = [
            "id",
            "title",
            "kind",
            "kind_label",
            "audience",
            "audience_label",
            "description",
            "starts_at",
            "ends_at",
            "is_online",
            "location",
            "host_organisation",
            "capacity",
            "status",
            "registered",
            "attendees",
        ]
        read_only_fields = fields
