"""Who gets what: every URL name of the site × the six callers, written down once.

Columns: anonymous, radiologist, senior radiologist, interventional radiologist, department lead,
administrator. A cell is the status code, or LOGIN / ADMIN_LOGIN for a 302 to /accounts/login/ or
/admin/login/ (any other redirect is a plain 302: the home page sending a user to their workspace, or
an action sending its caller back to the page with a message).

The objects behind the ids (tests/security/world.py): the radiologist and the senior are the two
readers of a closed review whose grade-3 L1 fracture was referred; another IR doctor has assessed
the referral, the IR caller has not. Actions are sent with an empty body (JSON ``{}`` under /api/):
a caller who may act gets a validation answer (400, a form again with 200, or a 302 back to the
page with an error message) — the code then depends on the view — and one who may not gets 403.

The Django admin follows one rule instead of an entry per URL name: see ADMIN_PAGES and ADMIN_RIGHTS.
"""

from __future__ import annotations

import re

from tests.security.calls import ADMIN_LOGIN, LOGIN, Answer

Row = tuple[Answer, Answer, Answer, Answer, Answer, Answer]
Entry = dict[str, Row]


def get(*row: Answer) -> Entry:
    assert len(row) == 6, row
    return {"GET": row}  # type: ignore[dict-item]


def post(*row: Answer) -> Entry:
    assert len(row) == 6, row
    return {"POST": row}  # type: ignore[dict-item]


def put(*row: Answer) -> Entry:
    assert len(row) == 6, row
    return {"PUT": row}  # type: ignore[dict-item]


# fmt: off
MATRIX: dict[str, Entry] = {
    # Accounts ----------------------------------------------------------------------------------
    #                                anon    rad  senior   ir  lead admin
    "login":                 get(200,        200, 200,    200, 200, 200)
                           | post(200,       200, 200,    200, 200, 200),   # empty form: errors
    "logout":                post(LOGIN,     LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    "password_change":       get(LOGIN,      200, 200,    200, 200, 200)
                           | post(LOGIN,     200, 200,    200, 200, 200),   # empty form: errors
    "password_change_done":  get(LOGIN,      200, 200,    200, 200, 200),
    # Workspaces --------------------------------------------------------------------------------
    "home":                  get(LOGIN,      302, 302,    302, 302, 302),   # to the role's workspace
    "radiology-home":        get(LOGIN,      200, 200,    403, 403, 403),
    "ir-home":               get(LOGIN,      403, 403,    200, 403, 403),
    "department-home":       get(LOGIN,      403, 403,    403, 200, 403),
    # Studies, upload and the viewer: clinical read (the administrator holds view_study too) ----
    "study-list":            get(LOGIN,      200, 200,    200, 200, 200),
    "study":                 get(LOGIN,      200, 200,    200, 200, 200),
    "study-export-deidentified": get(LOGIN,  200, 200,    200, 200, 200),   # the DICOMweb study's files
    "analysis-viewer":       get(LOGIN,      200, 200,    200, 200, 200),
    "upload":                get(LOGIN,      200, 200,    403, 403, 200),
    # Reviews: readers read and act, the lead looks on -----------------------------------------
    "worklist":              get(LOGIN,      200, 200,    403, 200, 403),
    "review":                get(LOGIN,      200, 200,    403, 200, 403)
                           | post(LOGIN,     200, 200,    403, 403, 403),   # form again, with problems
    "review-start":          post(LOGIN,     302, 302,    403, 403, 403),   # back: the case is closed
    "review-consensus":      post(LOGIN,     403, 302,    403, 403, 403),   # seniors only; back: agreed
    "review-compare":        get(LOGIN,      200, 200,    403, 200, 403),
    "review-outcome-refer":  post(LOGIN,     302, 302,    403, 403, 403),   # radiologists refer
    # Referrals: IR doctors act; radiologists and the lead read ---------------------------------
    "referral-queue":        get(LOGIN,      403, 403,    200, 200, 403),
    "referral":              get(LOGIN,      200, 200,    200, 200, 403),   # both radiologists read it
    "referral-assess":       post(LOGIN,     403, 403,    400, 403, 403),   # no eligibility
    "referral-decide":       post(LOGIN,     403, 403,    302, 403, 403),   # back: choose eligible or not
    "referral-move":         post(LOGIN,     403, 403,    302, 403, 403),   # back: no such step
    # Statistics: view_statistics (lead, administrator) -----------------------------------------
    "statistics":            get(LOGIN,      403, 403,    403, 200, 200),
    "statistics-export-csv": get(LOGIN,      403, 403,    403, 400, 400),   # no table= given
    "statistics-export-xlsx": get(LOGIN,     403, 403,    403, 200, 200),
    # The audit trail: view_audit_log (administrator only) ---------------------------------------
    "audit-log":             get(LOGIN,      403, 403,    403, 403, 200),
    # API: anonymous 401 ------------------------------------------------------------------------
    "api-me":                get(401,        200, 200,    200, 200, 200),
    "api-statistics":        get(401,        403, 403,    403, 200, 200),
    "api-audit-log":         get(401,        403, 403,    403, 403, 200),
    "api-study-list":        get(401,        200, 200,    200, 200, 200),
    "api-study-detail":      get(401,        200, 200,    200, 200, 200),
    "api-upload":            post(401,       415, 415,    403, 403, 415),   # multipart only
    "api-analysis-viewer":   get(401,        200, 200,    200, 200, 200),
    "api-finding-corrections": post(401,     400, 400,    403, 403, 403),
    "api-review-list":       get(401,        200, 200,    403, 200, 403),
    "api-review-detail":     get(401,        200, 200,    403, 200, 403),
    "api-review-events":     get(401,        200, 200,    403, 200, 403),
    "api-review-reads":      post(401,       201, 201,    403, 403, 403),   # the reader's own read back
    "api-review-consensus":  post(401,       403, 400,    403, 403, 403),   # seniors; the reads agree
    "api-read":              get(401,        200, 200,    403, 200, 403)    # both reads are in
                           | put(401,        400, 400,    403, 403, 403),   # no version
    "api-referral-list":     get(401,        200, 200,    200, 200, 403),
    # A radiologist sees, on the page and through the API, only referrals they raised or whose
    # review they read (404 otherwise: tests/web/test_referral_pages.py).
    "api-referral-detail":   get(401,        200, 200,    200, 200, 403),   # the readers' referral
    "api-referral-export":   get(401,        403, 403,    200, 200, 403),   # those who see every one
    "api-referral-export-csv": get(401,      403, 403,    200, 200, 403),
    "api-referral-assessments": post(401,    403, 403,    400, 403, 403),
    "api-referral-decision": post(401,       403, 403,    400, 403, 403),
    "api-referral-transitions": post(401,    403, 403,    400, 403, 403),
    "api-outcome-referral":  post(401,       201, 201,    403, 403, 403),   # joins the open referral
    # DICOMweb: view_study; anonymous 401 -------------------------------------------------------
    "dicomweb:studies":      get(401,        200, 200,    200, 200, 200),
    "dicomweb:series":       get(401,        200, 200,    200, 200, 200),
    "dicomweb:instances":    get(401,        200, 200,    200, 200, 200),
    "dicomweb:study-series": get(401,        200, 200,    200, 200, 200),
    "dicomweb:study-instances": get(401,     200, 200,    200, 200, 200),
    "dicomweb:series-instances": get(401,    200, 200,    200, 200, 200),
    "dicomweb:study":        get(401,        200, 200,    200, 200, 200),
    "dicomweb:study-metadata": get(401,      200, 200,    200, 200, 200),
    "dicomweb:series-retrieve": get(401,     200, 200,    200, 200, 200),
    "dicomweb:series-metadata": get(401,     200, 200,    200, 200, 200),
    "dicomweb:instance":     get(401,        200, 200,    200, 200, 200),
    "dicomweb:instance-metadata": get(401,   200, 200,    200, 200, 200),
    "dicomweb:frames":       get(401,        200, 200,    200, 200, 200),
    "dicomweb:bulkdata":     get(401,        200, 200,    200, 200, 200),
}

# The admin site's own pages; only staff (the administrator) get in, everyone else is sent to its login.
_OUT = ADMIN_LOGIN
ADMIN_PAGES: dict[str, Entry] = {
    #                                anon    rad  senior   ir  lead admin
    "admin:index":           get(_OUT,       _OUT, _OUT,  _OUT, _OUT, 200),
    "admin:login":           get(200,        200, 200,    200, 200, 302),   # staff: on to the index
    "admin:logout":          post(_OUT,      302, 302,    302, 302, LOGIN),  # non-staff: to /admin/
    "admin:password_change": get(_OUT,       _OUT, _OUT,  _OUT, _OUT, 200),
    "admin:password_change_done": get(_OUT,  _OUT, _OUT,  _OUT, _OUT, 200),
    "admin:autocomplete":    get(_OUT,       _OUT, _OUT,  _OUT, _OUT, 403),  # no model named
    "admin:jsi18n":          get(_OUT,       _OUT, _OUT,  _OUT, _OUT, 200),
    "admin:view_on_site":    get(_OUT,       _OUT, _OUT,  _OUT, _OUT, 404),  # a study has no page URL
    "admin:app_list":        get(_OUT,       _OUT, _OUT,  _OUT, _OUT, 200),
    "admin:<unnamed (?P<url>.*)$>": get(_OUT, _OUT, _OUT, _OUT, _OUT, 404),
}
# fmt: on

# Every other admin URL is a model page, /admin/<app>/<model>/...: anonymous callers are sent to
# /accounts/login/ (LOGIN), the clinical roles (not staff) to /admin/login/, and the administrator
# gets 200 where ADMIN_RIGHTS grants it on that model, else 403 — changelist and history and the
# change form need "view", saving it "change", add and delete their own right; /<object_id>/ alone
# redirects staff to the change form (302).
ADMIN_RIGHTS: dict[str, set[str]] = {
    "auth.group": {"view"},  # roles are defined in code
    "authtoken.tokenproxy": {"view", "add", "delete"},  # API tokens for integrations
    "django_q.schedule": {"view", "add", "change", "delete"},
    "django_q.success": {"view"},
    "django_q.failure": {"view", "delete"},
    "django_q.ormq": {"view"},
    "studies.user": {"view", "add", "change"},
    "studies.patient": {"view"},
    "studies.study": {"view"},
    "studies.series": {"view"},
    "studies.instance": {"view"},
    "studies.analysis": {"view", "change"},  # requeue
    "studies.vertebrafinding": set(),  # findings are clinical
    "studies.findingcorrection": set(),
    "studies.pacsconnection": {"view", "add", "change", "delete"},  # manage_pacs
    "studies.auditevent": {"view"},  # view_audit_log; the trail is append-only
}

_MODEL_PAGE = re.compile(r"/admin/(?P<app>\w+)/(?P<model>\w+)/")


def _admin_row(allowed: bool | None) -> Row:
    """None: the bare /<object_id>/ route, which redirects staff whatever their rights."""
    last: Answer = 302 if allowed is None else 200 if allowed else 403
    return (LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, last)


def admin_expectation(name: str, path: str) -> Entry:
    """The rule above, for one admin URL (its name and its real path)."""
    if name in ADMIN_PAGES:
        return ADMIN_PAGES[name]
    match = _MODEL_PAGE.match(path)
    assert match, f"{name} ({path}) is neither in ADMIN_PAGES nor a model page"
    model = f"{match['app']}.{match['model']}"
    assert model in ADMIN_RIGHTS, f"add {model} to ADMIN_RIGHTS in tests/security/role_matrix.py"
    rights = ADMIN_RIGHTS[model]
    if name.endswith(("_changelist", "_history")):
        return get(*_admin_row("view" in rights))
    if name.endswith("_password_change"):  # a user's password, set by an administrator
        return get(*_admin_row("change" in rights)) | post(*_admin_row("change" in rights))
    for kind, needs in (("_change", "view"), ("_add", "add"), ("_delete", "delete")):
        if name.endswith(kind):
            saving = "change" if kind == "_change" else needs
            return get(*_admin_row(needs in rights)) | post(*_admin_row(saving in rights))
    assert name == "admin:<unnamed <path:object_id>/>", name
    return get(*_admin_row(None))
