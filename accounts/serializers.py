"""Account API payloads."""

from rest_framework import serializers


class CredentialsSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class RegisterSerializer(CredentialsSerializer):
    preferred_language = serializers.CharField(max_length=10, required=False, default="")


class RegisteredSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    token = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True, help_text="When the token stops working.")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True, help_text="When the token stops working.")


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    preferred_language = serializers.CharField()
    preferred_currency = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    data = serializers.JSONField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    is_read = serializers.SerializerMethodField()

    def get_is_read(self, notification) -> bool:  # type: ignore[no-untyped-def]
        return notification.read_at is not None
