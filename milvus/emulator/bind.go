package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// The request bodies of the RBAC routes, named after Milvus' request structs (request_v2.go) with a lower
// first letter: JSON binding errors name the struct, and bind rewrites the name to Milvus' own
// ("Go struct field UserReq.userName"). JSON keys match case-insensitively and unknown keys are
// ignored, as with encoding/json on the server. The E3 variants add description fields, which
// E1 and E2 ignore like any unknown key.

type emptyReq struct{}

type optionalCollectionNameReq struct {
	DbName         string `json:"dbName"`
	CollectionName string `json:"collectionName"`
}

type aliasReq struct {
	DbName    string `json:"dbName"`
	AliasName string `json:"aliasName"`
}

type databaseReq struct {
	DbName string `json:"dbName"`
}

type userReq struct {
	UserName string `json:"userName"`
}

type passwordReq struct {
	UserName string `json:"userName"`
	Password string `json:"password"`
}

type passwordReqE3 struct {
	UserName    string  `json:"userName"`
	Password    string  `json:"password"`
	Description *string `json:"description"`
}

type newPasswordReq struct {
	UserName    string `json:"userName"`
	Password    string `json:"password"`
	NewPassword string `json:"newPassword"`
}

type newPasswordReqE3 struct {
	UserName    string  `json:"userName"`
	Password    string  `json:"password"`
	NewPassword string  `json:"newPassword"`
	Description *string `json:"description"`
}

type userRoleReq struct {
	UserName string `json:"userName"`
	RoleName string `json:"roleName"`
}

type roleReq struct {
	DbName   string `json:"dbName"`
	RoleName string `json:"roleName"`
}

type roleReqE3 struct {
	DbName      string  `json:"dbName"`
	RoleName    string  `json:"roleName"`
	Description *string `json:"description"`
}

type grantReq struct {
	RoleName   string `json:"roleName"`
	ObjectType string `json:"objectType"`
	ObjectName string `json:"objectName"`
	Privilege  string `json:"privilege"`
	DbName     string `json:"dbName"`
}

type grantV2Req struct {
	RoleName       string `json:"roleName"`
	Privilege      string `json:"privilege"`
	DbName         string `json:"dbName"`
	CollectionName string `json:"collectionName"`
}

type privilegeGroupReq struct {
	PrivilegeGroupName string   `json:"privilegeGroupName"`
	Privileges         []string `json:"privileges"`
}

// field names one binding:"required" field and its value, in struct order.
type field struct {
	name  string // Go field name, as the validator prints it
	value string
}

// bind decodes body into req as gin's ShouldBindBodyWith(req, binding.JSON) does, then checks
// the required fields (binding:"required": missing or empty string). Errors are the REST
// wrapper's 1801 and 1802.
func bind(body []byte, req any, required ...func() field) *apiError {
	goName := reflect.TypeOf(req).Elem().Name()
	milvusName := strings.ToUpper(goName[:1]) + strings.TrimSuffix(goName[1:], "E3")
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(req); err != nil {
		if errors.Is(err, io.EOF) {
			return fail(codeIncorrectParameter, "can only accept json format request, the request body should be nil, however {} is valid")
		}
		msg := strings.NewReplacer("emulator."+goName, "httpserver."+milvusName, goName+".", milvusName+".").Replace(err.Error())
		return fail(codeIncorrectParameter, "can only accept json format request, error: %s", msg)
	}
	// validator.ValidationErrors.Error(): one line per failing field, in struct order.
	var lines []string
	for _, f := range required {
		if fl := f(); fl.value == "" {
			lines = append(lines, fmt.Sprintf("Key: '%s.%s' Error:Field validation for '%s' failed on the 'required' tag", milvusName, fl.name, fl.name))
		}
	}
	if len(lines) > 0 {
		return fail(codeMissingRequiredParam, "missing required parameters, error: %s", strings.Join(lines, "\n"))
	}
	return nil
}

// req is a shorthand for a required field of a bound struct.
func req(name string, v *string) func() field {
	return func() field { return field{name, *v} }
}
