/*
 * The table of stable error codes.  Adding a code means adding a row here
 * and a line in docs/api.md; tests/api/test_api_core.c provokes each one.
 */
#include "core/error.h"

static const struct rc_info table[RC__COUNT] = {
	[RC_OK] = {"ok", 200, "ok"},
	[RC_INVALID_JSON] = {"invalid_json", 400, "the request body is not valid JSON"},
	[RC_UNAUTHENTICATED] = {"unauthenticated", 401, "sign in first"},
	[RC_INVALID_CREDENTIALS] = {"invalid_credentials", 401, "wrong username or password"},
	[RC_FORBIDDEN] = {"forbidden", 403, "your roles do not allow this"},
	[RC_CSRF_FAILED] = {"csrf_failed", 403, "missing or wrong X-CSRF-Token or Origin"},
	[RC_NOT_FOUND] = {"not_found", 404, "no such object"},
	[RC_METHOD_NOT_ALLOWED] = {"method_not_allowed", 405, "method not allowed on this path"},
	[RC_CONFLICT] = {"conflict", 409, "the object already exists or changed meanwhile"},
	[RC_BODY_TOO_LARGE] = {"body_too_large", 413, "the request body is too large"},
	[RC_UNSUPPORTED_MEDIA_TYPE] = {"unsupported_media_type", 415,
				       "send the body as application/json"},
	[RC_VALIDATION_FAILED] = {"validation_failed", 422, "a field is missing or invalid"},
	[RC_ACCOUNT_LOCKED] = {"account_locked", 423,
			       "too many failed sign-ins; the account is locked for a while"},
	[RC_RATE_LIMITED] = {"rate_limited", 429, "too many requests; try again later"},
	[RC_INTERNAL] = {"internal_error", 500,
			 "internal error; the request id is in the server log"},
	[RC_UNAVAILABLE] = {"unavailable", 503, "the server is busy; try again"},
	[RC_INVALID_STATE] = {"invalid_state", 409, "the case is not in a state that allows this"},
	[RC_COMMITTEE_COMPOSITION] = {"committee_composition", 409,
				      "the mediation committee is not properly constituted (3 to 9 "
				      "members in term, a woman among them)"},
	[RC_CERTIFICATE_BANNED] = {"certificate_banned", 422,
				   "committees do not issue this certificate; the message says where "
				   "the resident goes instead"},
};

const struct rc_info *rc_info(int rc)
{
	if (rc < 0 || rc >= RC__COUNT || table[rc].code == 0)
		return &table[RC_INTERNAL];
	return &table[rc];
}
