"""The JSON API (DRF): thin views with their own input and output serializers."""
