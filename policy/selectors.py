"""The schools and regions whose settings a user may open (R-CFG)."""

from dataclasses import dataclass

from django.urls import reverse

from accounts.access import get_object_for_user
from accounts.roles import ADMINISTRATION_ROLES
from accounts.selectors import region_ids_for_user, school_ids_with_role
from schools.models import Region, School

from . import services


@dataclass(frozen=True)
class Scope:
    """A school or a region whose settings a page shows."""

    kind: services.Origin
    obj: School | Region

    @property
    def school(self) -> School | None:
        return self.obj if self.kind == services.Origin.SCHOOL else None

    @property
    def region(self) -> Region | None:
        return self.obj if self.kind == services.Origin.REGION else None

    @property
    def region_id(self) -> int:
        return self.school.municipality.region_id if self.school else self.obj.pk

    def url(self, name: str, *args) -> str:
        return reverse(f"policy:{self.kind}_{name}", args=[self.obj.pk, *args])

    @property
    def settings_url(self) -> str:
        return self.url("settings")

    @property
    def history_url(self) -> str:
        return self.url("history")

    def snapshot(self) -> services.PolicySnapshot:
        return services.settings_for(self.school, region=self.region)


def get_scope_for_user(user, kind: str, pk: int, *, change: bool = False) -> Scope:
    """A school's or a region's settings: 404 for those who may not know of it, 403 for
    those who may only look when ``change`` is asked."""
    if kind == services.Origin.SCHOOL:
        objects = School.objects.select_related("municipality__region")
    else:
        objects = Region.objects.all()
    action = "change" if change else "view"
    obj = get_object_for_user(
        user,
        objects,
        perm=f"policy.{action}_{kind}_settings",
        visible_with=f"policy.see_{kind}",
        pk=pk,
    )
    return Scope(services.Origin(kind), obj)


def scopes_of(user) -> list[Scope]:
    """The schools and regions whose settings the user may open."""
    schools = School.objects.filter(pk__in=school_ids_with_role(user, *ADMINISTRATION_ROLES))
    regions = Region.objects.filter(pk__in=region_ids_for_user(user))
    if user.is_superuser:
        regions = Region.objects.all()
    return [
        *(Scope(services.Origin.REGION, region) for region in regions),
        *(
            Scope(services.Origin.SCHOOL, school)
            for school in schools.select_related("municipality__region")
        ),
    ]
