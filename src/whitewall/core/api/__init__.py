"""REST API base classes (Django REST framework): every app's API is built from these.

Kept import-light on purpose: DRF imports the authentication, permission, pagination and
throttle classes named in settings while ``rest_framework.views`` itself is being imported, so
those modules must not import views. Import what you need from the submodules:

- ``permissions.ObjectPermissions``: HTTP method -> view/add/change/delete object permission
- ``viewsets.RestrictedModelViewSet``: querysets restricted per action; writes re-checked
- ``serializers.ModelCleanSerializer``: runs the model's ``clean()``; errors name the field
- ``registry.register_api(prefix, viewset)``: apps add their routes under /api/v1/
- ``pagination``, ``throttling``, ``exceptions``: the settings' defaults
"""
