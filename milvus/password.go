package milvus

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

// tokenKey carries, in a call's context, a token that replaces the client's own for that
// call: a password probe authenticates as the user it probes.
type tokenKey struct{}

// tokenFor is the token a call sends.
func (c *Client) tokenFor(ctx context.Context) string {
	if t, ok := ctx.Value(tokenKey{}).(string); ok {
		return t
	}
	return c.token
}

type updatePasswordReq struct {
	UserName    string `json:"userName"`
	Password    string `json:"password"`
	NewPassword string `json:"newPassword"`
}

// CheckPassword reports whether password logs user in, with one cheap call made as that user:
// users/describe of itself, which every user may make. A 401 answer means it does not. On a
// server with authorization disabled every password "works": nothing can be checked there.
func (c *Client) CheckPassword(ctx context.Context, user, password string) (bool, error) {
	release, err := c.acquire(ctx, endpointDescribeUser)
	if err != nil {
		return false, err
	}
	defer release()
	return c.probeInSlot(ctx, user, password)
}

// UpdatePassword changes user's password from old to new (users/update_password). Milvus
// refuses the change without the right old password (code 1400) unless the caller is a
// configured superuser. After an attempt whose outcome is unknown, a 1400 answer is success
// when the new password now logs in: the earlier attempt changed it.
func (c *Client) UpdatePassword(ctx context.Context, user, old, new string) error {
	settle := func(ctx context.Context, err error) bool {
		var ae *APIError
		if !errors.As(err, &ae) || (ae.Code != 1400 && !strings.Contains(ae.Message, "old password not correct")) {
			return false
		}
		ok, cerr := c.probeInSlot(ctx, user, new)
		return cerr == nil && ok
	}
	_, err := c.callSettled(ctx, "users/update_password", updatePasswordReq{UserName: user, Password: old, NewPassword: new}, settle, old, new)
	return err
}

// probeInSlot is CheckPassword for a caller that already holds a slot.
func (c *Client) probeInSlot(ctx context.Context, user, password string) (bool, error) {
	token := user + ":" + password
	body, err := json.Marshal(userReq{UserName: user})
	if err != nil {
		return false, err
	}
	_, err = c.send(context.WithValue(ctx, tokenKey{}, token), endpointDescribeUser, body, []string{password, token}, nil)
	var ae *APIError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &ae) && (ae.HTTPStatus == http.StatusUnauthorized || ae.Code == 1800):
		return false, nil
	}
	return false, err
}

// AlreadyExists reports whether err says the object to create exists already: apply takes
// such an answer to a create as done when the object is as it wanted (a concurrent run of the
// same file created it).
func (c *Client) AlreadyExists(err error) bool { return IsAlreadyExists(err) }

// NotFound reports whether err says a role or user is missing.
func (c *Client) NotFound(err error) bool { return IsNotFound(err) }
