/*
 * The fixed catalogue of roles and permissions.  A role is a set of
 * permissions and the tree levels it may be held at; it is granted to a user
 * at a node and covers that node's subtree.  Adding a capability adds
 * permissions here and nowhere else.
 */
#ifndef GR_AUTH_ROLES_H
#define GR_AUTH_ROLES_H

#include <stdbool.h>
#include <stdint.h>

enum perm {
	PERM_NONE = 0,    /* any signed-in user */
	PERM_ORG_READ,    /* see tree nodes and grids in scope */
	PERM_ORG_WRITE,   /* create grids, rename, draw boundaries */
	PERM_GRID_ASSIGN, /* post grid workers on grids */
	PERM_USER_READ,   /* list accounts */
	PERM_USER_MANAGE, /* create, disable, reset accounts */
	PERM_ROLE_GRANT,  /* grant and revoke roles */
	PERM_AUDIT_READ,  /* read the audit log */
	PERM_SYSTEM,          /* operational settings */
	PERM_REGISTRY_READ,   /* people and places in scope, masked */
	PERM_REGISTRY_WRITE,  /* record and correct people and places */
	PERM_REGISTRY_UNMASK, /* identity and phone numbers in clear, with a reason */
	PERM_REGISTRY_IMPORT, /* bulk imports */
	PERM_REGISTRY_EXPORT, /* exports of lists */
	PERM_VISIT_WRITE,     /* log door-to-door visits */
	PERM_EVENT_READ,      /* see grid events in scope: the board */
	PERM_EVENT_REPORT,    /* report an event */
	PERM_EVENT_DISPATCH,  /* register, dispatch, cancel, park, escalate */
	PERM_EVENT_HANDLE,    /* accept, return and handle as a unit's member */
	PERM_EVENT_VERIFY,    /* verify handling on site */
	PERM_EVENT_CATALOG,   /* categories and handling units */
	PERM_SERVICE_APPLY,   /* apply and book for oneself; on behalf of a
			       * resident in scope with registry.read too */
	PERM_SERVICE_HANDLE,  /* accept, reject, handle applications in scope */
	PERM_SERVICE_CATALOG, /* the service catalogue and the need rules */
	PERM_PROVIDER_MANAGE, /* providers, their items, areas and time slots */
	PERM_NEED_READ,       /* needs, matches and the coverage view in scope */
	PERM_MEDIATION_READ,  /* mediation cases and statistics in scope */
	PERM_MEDIATION_HANDLE, /* register and run mediation cases */
	PERM_MEDIATION_MANAGE, /* mediation committees, members and mediators */
	PERM_COUNSEL_REQUEST, /* ask for psychological assistance (for oneself
			       * or, as staff, for a resident) */
	PERM_COUNSEL_HANDLE,  /* a counsellor: the cases assigned to oneself */
	PERM_COUNSEL_SUPERVISE, /* a supervisor: assign counsellors, crisis alerts */
	PERM_COUNSEL_STATS,   /* counts of counselling cases, nothing identifying */
	PERM_DUTY_PUBLISH,    /* draft and publish duty lists and the certificate list */
	PERM_ACCESS_REQUEST,  /* file work-access requests to give communities work */
	PERM_ACCESS_REVIEW,   /* review access requests (members of the reviewing unit) */
	PERM_TASK_HANDLE,     /* a community's task ledger: do or refuse tasks */
	PERM_CERTIFICATE_ISSUE, /* the certificate desk of a community */
	PERM_BURDEN_READ,     /* the burden ledger and its rankings */
	PERM__COUNT
};

enum role {
	ROLE_SYSADMIN,
	ROLE_SECADMIN,
	ROLE_AUDITOR,
	ROLE_COUNTY_OFFICER,
	ROLE_DEPARTMENT_OFFICER,
	ROLE_TOWN_OFFICER,
	ROLE_COMMUNITY_WORKER,
	ROLE_GRID_WORKER,
	ROLE_PROPERTY_STAFF,
	ROLE_ORG_STAFF,
	ROLE_VOLUNTEER,
	ROLE_RESIDENT,
	ROLE_MEDIATOR,
	ROLE_COUNSELLOR,
	ROLE_COUNSEL_SUPERVISOR,
	ROLE__COUNT
};

/* Tree levels as bits, for the levels a role may be held at. */
enum level {
	LEVEL_PROVINCE,
	LEVEL_CITY,
	LEVEL_COUNTY,
	LEVEL_TOWN,
	LEVEL_COMMUNITY,
	LEVEL_GRID,
	LEVEL__COUNT
};

struct role_def {
	const char *name;
	uint64_t perms;  /* bit (1 << perm) */
	bool admin;      /* one of the three administrators: held globally,
			  * exclusive of every other role */
	uint32_t levels; /* bit (1 << level) where it may be held */
};

const struct role_def *role_def(enum role r);
/* Give PERM_REGISTRY_UNMASK to exactly the roles named in the comma-
 * separated list (the --unmask-roles setting; administrators are refused).
 * Returns 0 or -1 naming the bad role on stderr.  Call before serving. */
int roles_set_unmask(const char *list);
/* Role by name, or -1. */
int role_from_name(const char *name);
const char *perm_name(enum perm p);
bool role_has_perm(enum role r, enum perm p);

const char *level_name(enum level l);
int level_from_name(const char *name);
/* Level implied by a code's length (2, 4, 6, 9, 12, 15 digits), or -1. */
int level_from_code(const char *code);

#endif
