"""Component IDs of the app shell, in one place (pages keep theirs in their own module)."""


class Shell:
    URL = "url"
    PAGE = "page-content"
    TITLE = "page-title-store"
    NOTICES = "url-notices"
    OUTAGE = "outage-banner"
    HEALTH_TIMER = "health-timer"
    NAV = "main-nav"
    FILTER_BAR = "filter-bar"
    FILTER_RESET = "filter-reset"
    # A page's controls, changed by the user, on their way into the URL (callbacks.urlsync).
    CONTROLS = "page-controls-changed"
    SIGN_IN = "smq-signin-link"
    FILTER_WRAP = "filter-bar-wrap"
    FILTER_TOGGLE = "filter-toggle"
    SIGN_IN_NOTICE = "public-notice-signin"


class Filter:
    """The global filter bar: each maps to one query-string key of the contract (§4)."""

    TYPE = "filter-type"
    GROUP = "filter-group"
    REGION = "filter-region"
    REGIME = "filter-regime"
    FROM = "filter-from"
    TO = "filter-to"
    # The calendars behind From and To (a native date input, never typed in: see shell.date_field).
    FROM_PICKER = "filter-from-picker"
    TO_PICKER = "filter-to-picker"
    TRUST = "filter-trust"
    ICB = "filter-icb"
    ENTERED = "filter-entered"
    EXITED = "filter-exited"
    COHORT = "filter-cohort"
    MORE = "filter-more"
