//! Rendering templates into responses, with a rendering failure as an internal error.

use askama::Template;

/// Renders a page with a status other than 200, for a form shown again with its errors.
pub fn render_status(
    status: axum::http::StatusCode,
    template: &impl Template,
) -> Result<axum::response::Response, crate::error::AppError> {
    use axum::response::IntoResponse;
    Ok((status, render(template)?).into_response())
}

/// Renders a template into a response, mapping a rendering failure to an internal error.
pub fn render(
    template: &impl Template,
) -> Result<axum::response::Html<String>, crate::error::AppError> {
    template
        .render()
        .map(axum::response::Html)
        .map_err(crate::error::AppError::internal)
}
