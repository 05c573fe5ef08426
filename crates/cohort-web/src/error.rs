//! The one error type of the HTTP boundary.
//!
//! A page handler returns `Result<_, AppError>`; the error becomes a page with the right status
//! and a message a person can act on. API handlers wrap it in [`ApiError`], which renders the same
//! error as JSON with a stable shape. Internal causes are logged once, here, and never shown.

use crate::pages::{ErrorPage, Layout};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cohort_domain::FieldErrors;
use cohort_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("This page does not exist.")]
    NotFound,
    /// Not signed in; pages redirect to the sign-in form and come back to `next`.
    #[error("Sign in to continue.")]
    Unauthenticated { next: String },
    #[error("You do not have access to this page.")]
    Forbidden,
    /// Forbidden for a reason the person can act on ("confirm your address first").
    #[error("{0}")]
    ForbiddenBecause(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("Some fields need attention: {0}")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooManyRequests(String),
    /// A request body over its limit.
    #[error("{0}")]
    TooLarge(String),
    #[error("This address does not accept that method.")]
    MethodNotAllowed,
    #[error("The form expired. Go back, reload the page and try again.")]
    Csrf,
    #[error("Something went wrong on our side. Please try again.")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn internal(error: impl Into<anyhow::Error>) -> AppError {
        AppError::Internal(error.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::ForbiddenBecause(_) | AppError::Csrf => {
                StatusCode::FORBIDDEN
            }
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable, machine-readable name for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Unauthenticated { .. } => "unauthenticated",
            AppError::Forbidden | AppError::ForbiddenBecause(_) => "forbidden",
            AppError::BadRequest(_) => "bad_request",
            AppError::Invalid(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::TooManyRequests(_) => "too_many_requests",
            AppError::TooLarge(_) => "too_large",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Csrf => "csrf",
            AppError::Internal(_) => "internal",
        }
    }

    fn log(&self) {
        if let AppError::Internal(cause) = self {
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> AppError {
        match error {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Stale => AppError::Conflict(error.to_string()),
            StoreError::Conflict { what } => {
                AppError::Conflict(format!("That {what} is already taken."))
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<cohort_app::applications::MoveError> for AppError {
    fn from(error: cohort_app::applications::MoveError) -> AppError {
        use cohort_app::applications::MoveError;
        match error {
            MoveError::Forbidden(_) => AppError::Forbidden,
            MoveError::NotAllowed(why) => AppError::Conflict(why),
            MoveError::Store(error) => error.into(),
        }
    }
}

impl From<cohort_app::assessment::ExtendError> for AppError {
    fn from(error: cohort_app::assessment::ExtendError) -> AppError {
        use cohort_app::assessment::ExtendError;
        match error {
            ExtendError::Started => AppError::Conflict(error.to_string()),
            ExtendError::Store(error) => error.into(),
        }
    }
}

impl From<cohort_app::accounts::AccountError> for AppError {
    fn from(error: cohort_app::accounts::AccountError) -> AppError {
        use cohort_app::accounts::AccountError;
        match error {
            AccountError::LinkUsedUp
            | AccountError::AddressTaken
            | AccountError::LastAdministrator => AppError::Conflict(error.to_string()),
            AccountError::Store(error) => error.into(),
        }
    }
}

impl From<cohort_app::applications::submit::SubmitError> for AppError {
    fn from(error: cohort_app::applications::submit::SubmitError) -> AppError {
        use cohort_app::applications::submit::SubmitError;
        match error {
            SubmitError::Invalid(errors) => AppError::Invalid(errors),
            SubmitError::AlreadyApplied { .. } | SubmitError::AccountRaced => {
                AppError::Conflict(error.to_string())
            }
            SubmitError::BrokenOpening(_) | SubmitError::ReaderFailed(_) => {
                AppError::internal(error)
            }
            SubmitError::Blob(error) => AppError::internal(error),
            SubmitError::Store(error) => error.into(),
        }
    }
}

impl From<cohort_app::interviews::InterviewsError> for AppError {
    fn from(error: cohort_app::interviews::InterviewsError) -> AppError {
        use cohort_app::interviews::InterviewsError;
        match error {
            InterviewsError::NameTaken | InterviewsError::InUse { .. } => {
                AppError::Conflict(error.to_string())
            }
            InterviewsError::WrongSeason | InterviewsError::NotAnInterviewer => AppError::NotFound,
            InterviewsError::NoProfile => AppError::Conflict(error.to_string()),
            InterviewsError::Store(error) => error.into(),
        }
    }
}

impl From<cohort_app::interviews::profiles::TrainingError> for AppError {
    fn from(error: cohort_app::interviews::profiles::TrainingError) -> AppError {
        use cohort_app::interviews::profiles::TrainingError;
        use cohort_domain::interviews::profile::SignOffError;
        match error {
            TrainingError::SignOff(SignOffError::NotABarRaiser | SignOffError::OwnTraining) => {
                AppError::ForbiddenBecause(error.to_string())
            }
            TrainingError::SignOff(SignOffError::NotReady(_)) | TrainingError::NotTraining => {
                AppError::Conflict(error.to_string())
            }
            TrainingError::Interviews(error) => error.into(),
        }
    }
}

impl From<cohort_app::offers::OfferError> for AppError {
    fn from(error: cohort_app::offers::OfferError) -> AppError {
        use cohort_app::offers::OfferError;
        match error {
            OfferError::NotFound => AppError::NotFound,
            OfferError::Forbidden(why) => AppError::ForbiddenBecause(why.to_owned()),
            OfferError::Invalid(errors) => AppError::Invalid(errors),
            OfferError::Template(_) => AppError::BadRequest(error.to_string()),
            OfferError::NotNow(_) | OfferError::Answer(_) | OfferError::Stale => {
                AppError::Conflict(error.to_string())
            }
            OfferError::Store(error) => error.into(),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> AppError {
        AppError::Invalid(errors)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        if let AppError::Unauthenticated { next } = &self {
            let target = format!("/login?next={}", urlencoding::encode(next));
            return Redirect::to(&target).into_response();
        }
        let page = ErrorPage {
            layout: Layout::anonymous("Error"),
            status: self.status().as_u16(),
            message: self.to_string(),
        };
        let mut response = match page.render() {
            Ok(html) => (self.status(), Html(html)).into_response(),
            Err(_) => (self.status(), self.to_string()).into_response(),
        };
        // Rendered without a request at hand; `auth::error_pages_keep_the_account` renders it
        // again with the signed-in header.
        response.extensions_mut().insert(ErrorShown(page.message));
        close_after_unread_body(&self, &mut response);
        response
    }
}

/// A body refused part-way through is not read to its end, so the connection cannot carry
/// another request: say so, or a client would send its next request on it and find it closed.
fn close_after_unread_body(error: &AppError, response: &mut Response) {
    if let AppError::TooLarge(_) = error {
        response.headers_mut().insert(
            axum::http::header::CONNECTION,
            axum::http::HeaderValue::from_static("close"),
        );
    }
}

/// The message of an error page, kept on its response.
#[derive(Debug, Clone)]
pub struct ErrorShown(pub String);

/// An [`AppError`] rendered as JSON: `{"error": {"code", "message", "fields"}}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(error: E) -> ApiError {
        ApiError(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = self.0;
        error.log();
        let fields = match &error {
            AppError::Invalid(errors) => serde_json::to_value(&errors.errors).unwrap_or_default(),
            _ => serde_json::Value::Array(Vec::new()),
        };
        let message = match &error {
            AppError::Invalid(_) => "Some fields are invalid.".to_owned(),
            AppError::Unauthenticated { .. } => {
                "Send an API token as 'Authorization: Bearer <token>'.".to_owned()
            }
            other => other.to_string(),
        };
        let body = serde_json::json!({ "error": { "code": error.code(), "message": message, "fields": fields } });
        let mut response = (error.status(), axum::Json(body)).into_response();
        close_after_unread_body(&error, &mut response);
        // RFC 6750: a 401 names the scheme the client should use.
        if let AppError::Unauthenticated { .. } = error {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"cohort\""),
            );
        }
        response
    }
}
