from django.db.models import QuerySet

from whitewall.core.permissions import permission_constraints, permission_name


class RestrictedQuerySet(QuerySet):
    """A queryset that can narrow itself to what a user may do (NetBox's pattern)."""

    def restrict(self, user, action: str = "view"):
        constraints = permission_constraints(user, permission_name(self.model, action))
        if constraints is None:
            return self.none()
        if not constraints:
            return self
        return self.filter(constraints).distinct()
