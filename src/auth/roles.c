/*
 * Role catalogue.  Kept deliberately small and explicit: the table below is
 * what the security administrator's screen shows and what docs/roles.md
 * describes.
 */
#include "auth/roles.h"

#include <stdio.h>
#include <string.h>

#define P(x) (UINT64_C(1) << (x))
#define L(x) (1u << (x))
#define COUNTY_UP (L(LEVEL_PROVINCE) | L(LEVEL_CITY) | L(LEVEL_COUNTY))

#define ORG_ALL (P(PERM_ORG_READ) | P(PERM_ORG_WRITE) | P(PERM_GRID_ASSIGN))
#define REG_RW (P(PERM_REGISTRY_READ) | P(PERM_REGISTRY_WRITE))
#define REG_ALL (REG_RW | P(PERM_REGISTRY_IMPORT) | P(PERM_REGISTRY_EXPORT))
#define UNMASK P(PERM_REGISTRY_UNMASK)
#define EV(x) P(PERM_EVENT_##x)
#define EV_CENTRE (EV(READ) | EV(REPORT) | EV(DISPATCH) | EV(VERIFY))
#define SV(x) P(PERM_SERVICE_##x)
#define MED(x) P(PERM_MEDIATION_##x)
#define CO(x) P(PERM_COUNSEL_##x)
#define PROVIDERS P(PERM_PROVIDER_MANAGE)
#define NEEDS P(PERM_NEED_READ)
#define DUTY P(PERM_DUTY_PUBLISH)
#define ACCESS(x) P(PERM_ACCESS_##x)
#define TASKS P(PERM_TASK_HANDLE)
#define CERTS P(PERM_CERTIFICATE_ISSUE)
#define BURDEN P(PERM_BURDEN_READ)

/* clang-format off */
/* Not const: --unmask-roles adjusts who may unmask at start-up. */
static struct role_def roles[ROLE__COUNT] = {
	[ROLE_SYSADMIN] = {"sysadmin", P(PERM_USER_READ) | P(PERM_USER_MANAGE) | P(PERM_SYSTEM) | P(PERM_ORG_READ), true, 0},
	[ROLE_SECADMIN] = {"secadmin", P(PERM_USER_READ) | P(PERM_ROLE_GRANT) | P(PERM_ORG_READ), true, 0},
	[ROLE_AUDITOR] = {"auditor", P(PERM_AUDIT_READ) | P(PERM_ORG_READ), true, 0},
	[ROLE_COUNTY_OFFICER] = {"county_officer", ORG_ALL | REG_ALL | UNMASK | EV_CENTRE | EV(CATALOG) | SV(APPLY) | SV(HANDLE) | SV(CATALOG) | PROVIDERS | NEEDS | MED(READ) | CO(STATS) | DUTY | ACCESS(REQUEST) | ACCESS(REVIEW) | BURDEN, false, COUNTY_UP},
	[ROLE_DEPARTMENT_OFFICER] = {"department_officer", P(PERM_ORG_READ) | P(PERM_REGISTRY_READ) | EV(READ) | EV(HANDLE) | SV(HANDLE) | NEEDS | MED(READ) | MED(MANAGE) | ACCESS(REQUEST) | ACCESS(REVIEW) | BURDEN, false, COUNTY_UP},
	[ROLE_TOWN_OFFICER] = {"town_officer", ORG_ALL | REG_ALL | UNMASK | EV_CENTRE | EV(HANDLE) | SV(APPLY) | SV(HANDLE) | PROVIDERS | NEEDS | MED(READ) | MED(MANAGE) | CO(REQUEST) | CO(STATS) | DUTY | ACCESS(REQUEST) | BURDEN, false, L(LEVEL_TOWN)},
	[ROLE_COMMUNITY_WORKER] = {"community_worker", ORG_ALL | REG_ALL | UNMASK | P(PERM_VISIT_WRITE) | EV(READ) | EV(REPORT) | EV(HANDLE) | EV(VERIFY) | SV(APPLY) | SV(HANDLE) | PROVIDERS | NEEDS | MED(READ) | MED(HANDLE) | CO(REQUEST) | TASKS | CERTS, false, L(LEVEL_COMMUNITY)},
	[ROLE_GRID_WORKER] = {"grid_worker", P(PERM_ORG_READ) | REG_RW | UNMASK | P(PERM_VISIT_WRITE) | EV(READ) | EV(REPORT) | EV(HANDLE) | EV(VERIFY) | SV(APPLY) | NEEDS | CO(REQUEST), false, L(LEVEL_GRID)},
	[ROLE_PROPERTY_STAFF] = {"property_staff", P(PERM_ORG_READ) | EV(HANDLE), false, L(LEVEL_COMMUNITY)},
	[ROLE_ORG_STAFF] = {"org_staff", P(PERM_ORG_READ) | PROVIDERS, false, L(LEVEL_COUNTY) | L(LEVEL_TOWN) | L(LEVEL_COMMUNITY)},
	[ROLE_VOLUNTEER] = {"volunteer", P(PERM_ORG_READ), false, L(LEVEL_COUNTY) | L(LEVEL_TOWN) | L(LEVEL_COMMUNITY)},
	[ROLE_RESIDENT] = {"resident", P(PERM_ORG_READ) | EV(REPORT) | SV(APPLY) | CO(REQUEST), false, L(LEVEL_COMMUNITY) | L(LEVEL_GRID)},
	[ROLE_MEDIATOR] = {"mediator", P(PERM_ORG_READ) | MED(READ) | MED(HANDLE), false, L(LEVEL_TOWN) | L(LEVEL_COMMUNITY)},
	[ROLE_COUNSELLOR] = {"counsellor", P(PERM_ORG_READ) | CO(HANDLE), false, L(LEVEL_COUNTY) | L(LEVEL_TOWN) | L(LEVEL_COMMUNITY)},
	[ROLE_COUNSEL_SUPERVISOR] = {"counsel_supervisor", P(PERM_ORG_READ) | CO(HANDLE) | CO(SUPERVISE) | CO(STATS), false, COUNTY_UP | L(LEVEL_TOWN)},
};
/* clang-format on */

static const char *const perm_names[PERM__COUNT] = {
	[PERM_NONE] = "signed_in",        [PERM_ORG_READ] = "org.read",
	[PERM_ORG_WRITE] = "org.write",   [PERM_GRID_ASSIGN] = "grid.assign",
	[PERM_USER_READ] = "user.read",   [PERM_USER_MANAGE] = "user.manage",
	[PERM_ROLE_GRANT] = "role.grant", [PERM_AUDIT_READ] = "audit.read",
	[PERM_SYSTEM] = "system",
	[PERM_REGISTRY_READ] = "registry.read",
	[PERM_REGISTRY_WRITE] = "registry.write",
	[PERM_REGISTRY_UNMASK] = "registry.unmask",
	[PERM_REGISTRY_IMPORT] = "registry.import",
	[PERM_REGISTRY_EXPORT] = "registry.export",
	[PERM_VISIT_WRITE] = "visit.write",
	[PERM_EVENT_READ] = "event.read",
	[PERM_EVENT_REPORT] = "event.report",
	[PERM_EVENT_DISPATCH] = "event.dispatch",
	[PERM_EVENT_HANDLE] = "event.handle",
	[PERM_EVENT_VERIFY] = "event.verify",
	[PERM_EVENT_CATALOG] = "event.catalog",
	[PERM_SERVICE_APPLY] = "service.apply",
	[PERM_SERVICE_HANDLE] = "service.handle",
	[PERM_SERVICE_CATALOG] = "service.catalog",
	[PERM_PROVIDER_MANAGE] = "provider.manage",
	[PERM_NEED_READ] = "need.read",
	[PERM_MEDIATION_READ] = "mediation.read",
	[PERM_MEDIATION_HANDLE] = "mediation.handle",
	[PERM_MEDIATION_MANAGE] = "mediation.manage",
	[PERM_COUNSEL_REQUEST] = "counsel.request",
	[PERM_COUNSEL_HANDLE] = "counsel.handle",
	[PERM_COUNSEL_SUPERVISE] = "counsel.supervise",
	[PERM_COUNSEL_STATS] = "counsel.stats",
	[PERM_DUTY_PUBLISH] = "duty.publish",
	[PERM_ACCESS_REQUEST] = "access.request",
	[PERM_ACCESS_REVIEW] = "access.review",
	[PERM_TASK_HANDLE] = "task.handle",
	[PERM_CERTIFICATE_ISSUE] = "certificate.issue",
	[PERM_BURDEN_READ] = "burden.read",
};

static const char *const level_names[LEVEL__COUNT] = {
	"province", "city", "county", "town", "community", "grid",
};

const struct role_def *role_def(enum role r)
{
	return &roles[r];
}

int roles_set_unmask(const char *list)
{
	uint32_t want = 0;
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save = NULL, *tok = strtok_r(buf, ", ", &save); tok;
	     tok = strtok_r(NULL, ", ", &save)) {
		int r = role_from_name(tok);
		if (r < 0 || roles[r].admin) {
			fprintf(stderr, "--unmask-roles: '%s' is not a business role\n", tok);
			return -1;
		}
		want |= 1u << r;
	}
	for (int r = 0; r < ROLE__COUNT; r++) {
		if (want & (1u << r))
			roles[r].perms |= P(PERM_REGISTRY_UNMASK);
		else
			roles[r].perms &= ~P(PERM_REGISTRY_UNMASK);
	}
	return 0;
}

int role_from_name(const char *name)
{
	for (int i = 0; i < ROLE__COUNT; i++)
		if (strcmp(roles[i].name, name) == 0)
			return i;
	return -1;
}

const char *perm_name(enum perm p)
{
	return perm_names[p];
}

bool role_has_perm(enum role r, enum perm p)
{
	if (p == PERM_NONE)
		return true;
	return (roles[r].perms & P(p)) != 0;
}

const char *level_name(enum level l)
{
	return level_names[l];
}

int level_from_name(const char *name)
{
	for (int i = 0; i < LEVEL__COUNT; i++)
		if (strcmp(level_names[i], name) == 0)
			return i;
	return -1;
}

int level_from_code(const char *code)
{
	switch (strlen(code)) {
	case 2: return LEVEL_PROVINCE;
	case 4: return LEVEL_CITY;
	case 6: return LEVEL_COUNTY;
	case 9: return LEVEL_TOWN;
	case 12: return LEVEL_COMMUNITY;
	case 15: return LEVEL_GRID;
	default: return -1;
	}
}
