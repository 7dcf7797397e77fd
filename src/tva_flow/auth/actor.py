"""Who is acting: the value every use case takes, built only from a verified token (or, for the
scheduler and the operator's command line, :func:`system`)."""
from __future__ import annotations

from dataclasses import dataclass

CUSTOMER = "customer"
CASEWORKER = "caseworker"
PROCESS_OWNER = "process_owner"
TESTER = "tester"
AUDITOR = "auditor"
INTEGRATION = "integration"
ROLES = (CUSTOMER, CASEWORKER, PROCESS_OWNER, TESTER, AUDITOR, INTEGRATION)
SYSTEM = "system"  # the engine itself (timers) and the operator's CLI; never granted by a token

RIGHTS = ("reassign",)  # a caseworker may take over a task another caseworker of the group has claimed
# lanes where customers act: a person (applicant, job seeker, dismissed employee) or an employer's people
CUSTOMER_LANES = frozenset({"hakija", "tyonhakija", "asiakas", "tyonantaja", "tyontekija"})
EVERY_AREA = "*"  # in an actor's areas: every employment-authority area (a national integration, an auditor)


@dataclass(frozen=True)
class Actor:
    subject: str                               # the token's `sub`: a user name, a person, a system client
    roles: frozenset[str]
    groups: frozenset[str] = frozenset()       # candidate groups (lane names) a caseworker works in
    areas: frozenset[str] = frozenset()        # employment-authority areas whose cases they handle
    customers: frozenset[str] = frozenset()    # business keys a customer acts for (personal id, business id)
    rights: frozenset[str] = frozenset()

    def as_dict(self) -> dict:
        return {"subject": self.subject, "roles": sorted(self.roles), "groups": sorted(self.groups),
                "areas": sorted(self.areas), "customers": sorted(self.customers), "rights": sorted(self.rights)}

    @property
    def every_area(self) -> bool:
        return SYSTEM in self.roles or EVERY_AREA in self.areas

    @property
    def only_area(self) -> str | None:
        """The one named area this actor works in, if there is exactly one."""
        named = self.areas - {EVERY_AREA}
        return next(iter(named)) if len(named) == 1 else None


def system(name: str = "tva-flow") -> Actor:
    """The engine or the operator: every right, every area. Only code on the server makes one."""
    return Actor(subject=name, roles=frozenset({SYSTEM}))


def actor(subject: str, roles=(), groups=(), areas=(), customers=(), rights=()) -> Actor:
    """An actor from claims: unknown roles and rights are dropped (a token can never grant `system`)."""
    return Actor(subject=subject, roles=frozenset(r for r in roles if r in ROLES),
                 groups=frozenset(groups), areas=frozenset(areas), customers=frozenset(customers),
                 rights=frozenset(r for r in rights if r in RIGHTS))
