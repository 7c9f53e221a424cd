/*
 * API keys over HTTP: the system administrator issues, lists and revokes
 * the keys of machines.  A key is in the answer that issues it and nowhere
 * else, not even in the audit record.
 */
#include <stdio.h>
#include <string.h>

#include "auth/api_auth.h"
#include "auth/apikeys.h"
#include "core/secure.h"

int api_apikeys_list(struct req *r)
{
	json_t *items;
	int rc = apikeys_json(r->db, &items);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, json_pack("{s:o}", "items", items));
}

int api_apikeys_create(struct req *r)
{
	const char *name = in_str(r, "name");
	char key[SEC_TOKEN_CHARS + 1];
	int64_t id = 0;
	int rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = apikey_create(r->db, name, r->who->user_id, key, &id);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "api_key", arena_printf(&r->arena, "%lld", (long long)id),
			       0, json_pack("{s:s}", "name", name));
	rc = req_tx_end(r, rc);
	if (rc == RC_OK)
		rc = req_reply(r, 201,
			       json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name,
					 "key", key));
	sec_wipe(key, sizeof(key));
	return rc;
}

int api_apikeys_revoke(struct req *r)
{
	if (r->ids[0] == 0)
		return req_fail(r, RC_NOT_FOUND, NULL, "no such API key");
	int rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = apikey_revoke(r->db, r->ids[0]);
	if (rc == RC_NOT_FOUND)
		req_fail(r, rc, NULL, "no such API key");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "api_key", r->params[0], 0, NULL);
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 204, NULL);
}
