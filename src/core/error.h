/*
 * Result codes used by every layer.  A function returns RC_OK or one of
 * these; http/response.c is the one place that turns a code into an HTTP
 * status and the JSON error envelope.  The snake_case names are part of the
 * public API (docs/api.md) and must never change meaning.
 */
#ifndef GR_CORE_ERROR_H
#define GR_CORE_ERROR_H

enum rc {
	RC_OK = 0,
	RC_INVALID_JSON,
	RC_UNAUTHENTICATED,
	RC_INVALID_CREDENTIALS,
	RC_FORBIDDEN,
	RC_CSRF_FAILED,
	RC_NOT_FOUND,
	RC_METHOD_NOT_ALLOWED,
	RC_CONFLICT,
	RC_BODY_TOO_LARGE,
	RC_UNSUPPORTED_MEDIA_TYPE,
	RC_VALIDATION_FAILED,
	RC_ACCOUNT_LOCKED,
	RC_RATE_LIMITED,
	RC_INTERNAL,
	RC_UNAVAILABLE,
	RC_INVALID_STATE,
	RC_COMMITTEE_COMPOSITION,
	RC_CERTIFICATE_BANNED,
	RC__COUNT
};

struct rc_info {
	const char *code;    /* stable snake_case code */
	int status;          /* HTTP status */
	const char *message; /* default English message */
};

/* Description of rc; unknown values map to RC_INTERNAL's entry. */
const struct rc_info *rc_info(int rc);

#endif
