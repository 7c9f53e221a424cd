/*
 * HTTP handlers for sign-in, the current user, accounts, role grants, API
 * keys and the audit log.
 */
#ifndef GR_AUTH_API_AUTH_H
#define GR_AUTH_API_AUTH_H

#include "http/request.h"

int api_session_create(struct req *r);
int api_session_delete(struct req *r);
int api_me(struct req *r);
int api_me_password(struct req *r);

int api_users_list(struct req *r);
int api_users_create(struct req *r);
int api_users_get(struct req *r);
int api_users_update(struct req *r);
int api_users_password(struct req *r);
int api_users_unlock(struct req *r);
int api_users_roles(struct req *r);
int api_users_grant(struct req *r);
int api_users_revoke(struct req *r);

int api_apikeys_list(struct req *r);
int api_apikeys_create(struct req *r);
int api_apikeys_revoke(struct req *r);

int api_audit_list(struct req *r);
int api_audit_verify(struct req *r);

#endif
