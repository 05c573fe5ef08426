use crate::both;
use crate::helpers::*;
use cohort_domain::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Creates a token through the administration page and returns it.
pub async fn token(app: &TestApp, admin: &Browser, scopes: &[&str]) -> String {
    let mut fields = vec![("name", "integration")];
    fields.extend(scopes.iter().map(|s| ("scopes", *s)));
    let page = admin
        .post_form("/admin", "/admin/api-tokens", &fields)
        .await
        .text()
        .await
        .unwrap();
    let start = page
        .find("<code>cohort_")
        .expect("the new token is shown once")
        + "<code>".len();
    let _ = app;
    page[start..start + page[start..].find('<').unwrap()].to_owned()
}

fn new_application(season_id: i64, opening: i64, email: &str) -> Value {
    use base64::Engine;
    json!({
        "season_id": season_id,
        "candidate": { "email": email, "name": "Api Candidate" },
        "choices": [opening],
        "school": "Georgia Tech",
        "degree": "BSc Computer Science",
        "graduation": "2028-05",
        "languages": ["Go", "Rust"],
        "links": ["https://github.com/api"],
        "resume": { "filename": "cv.pdf", "content_base64": base64::engine::general_purpose::STANDARD.encode(pdf_resume("Api Candidate compilers")) }
    })
}

both!(
    an_integration_creates_an_application_and_moves_it_with_a_write_token,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let admin = app.signed_in(Role::Administrator).await;
        let token = token(&app, &admin, &["read", "write"]).await;
        let client = reqwest::Client::new();
        let created = client
            .post(app.url("/api/v1/applications"))
            .bearer_auth(&token)
            .json(&new_application(
                season.season_id,
                season.open[0],
                "api@example.edu",
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::CREATED);
        let body: Value = created.json().await.unwrap();
        assert_eq!(body["stage"], "applied");
        assert_eq!(body["languages"], json!(["Go", "Rust"]));
        let id = body["id"].as_i64().unwrap();

        let moved: Value = client
            .post(app.url(&format!("/api/v1/applications/{id}/transitions")))
            .bearer_auth(&token)
            .json(&json!({"to": "screening"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(moved["stage"], "screening");
        assert_eq!(moved["history"].as_array().unwrap().len(), 2);

        let refused = client
            .post(app.url(&format!("/api/v1/applications/{id}/transitions")))
            .bearer_auth(&token)
            .json(&json!({"to": "hired"}))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::CONFLICT);
        let error: Value = refused.json().await.unwrap();
        assert_eq!(error["error"]["code"], "conflict");
        assert_eq!(
            error["error"]["message"],
            "An application cannot move from Screening to Hired."
        );

        let list: Value = client
            .get(app.url(&format!(
                "/api/v1/applications?season={}&stage=screening",
                season.season_id
            )))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["id"], id);

        let duplicate = client
            .post(app.url("/api/v1/applications"))
            .bearer_auth(&token)
            .json(&new_application(
                season.season_id,
                season.open[1],
                "api@example.edu",
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(duplicate.status(), StatusCode::CONFLICT);
    }
);

both!(
    invalid_api_input_gets_field_errors_in_a_stable_shape_and_writes_nothing,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let admin = app.signed_in(Role::Administrator).await;
        let token = token(&app, &admin, &["write"]).await;
        let client = reqwest::Client::new();
        let mut body = new_application(season.season_id, season.closed, "not-an-email");
        let invalid = client
            .post(app.url("/api/v1/applications"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let error: Value = invalid.json().await.unwrap();
        assert_eq!(error["error"]["code"], "invalid");
        assert_eq!(error["error"]["fields"][0]["field"], "candidate.email");

        body["candidate"]["email"] = json!("ok@example.edu");
        body["graduation"] = json!("whenever");
        let invalid: Value = client
            .post(app.url("/api/v1/applications"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let fields: Vec<&str> = invalid["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert!(
            fields.contains(&"graduation") && fields.contains(&"choices"),
            "{invalid}"
        );

        let malformed = client
            .post(app.url("/api/v1/applications"))
            .bearer_auth(&token)
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            malformed.json::<Value>().await.unwrap()["error"]["code"],
            "bad_request"
        );
        assert_eq!(app.count("applications").await, 0);
        // The refused application left no account behind, so its owner can still sign up.
        assert!(app
            .store()
            .user_by_email("ok@example.edu")
            .await
            .unwrap()
            .is_none());
        let signed_up = app
            .browser()
            .sign_up("Ok Person", "ok@example.edu", PASSWORD)
            .await;
        assert_eq!(signed_up.status(), StatusCode::SEE_OTHER);
    }
);

both!(
    api_tokens_are_required_scoped_and_revocable,
    |app: TestApp| async move {
        app.seed_season().await;
        let admin = app.signed_in(Role::Administrator).await;
        let read_only = token(&app, &admin, &["read"]).await;
        let client = reqwest::Client::new();
        let anonymous = client.get(app.url("/api/v1/seasons")).send().await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            anonymous.json::<Value>().await.unwrap()["error"]["code"],
            "unauthenticated"
        );
        let seasons: Value = client
            .get(app.url("/api/v1/seasons"))
            .bearer_auth(&read_only)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(seasons[0]["name"], "Summer 2027");
        let write = client
            .post(app.url("/api/v1/applications/1/transitions"))
            .bearer_auth(&read_only)
            .json(&json!({"to": "screening"}))
            .send()
            .await
            .unwrap();
        assert_eq!(write.status(), StatusCode::FORBIDDEN);

        let id = app.store().api_tokens().await.unwrap()[0].id;
        admin
            .post_form("/admin", &format!("/admin/api-tokens/{id}/revoke"), &[])
            .await;
        assert_eq!(
            client
                .get(app.url("/api/v1/seasons"))
                .bearer_auth(&read_only)
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            client
                .get(app.url("/api/v1/seasons"))
                .bearer_auth("cohort_made_up")
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
);

both!(
    the_openapi_document_describes_every_api_route,
    |app: TestApp| async move {
        let document: Value = reqwest::get(app.url("/api/v1/openapi.json"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(document["openapi"].as_str().unwrap().starts_with("3."));
        let paths = document["paths"].as_object().unwrap();
        for path in [
            "/api/v1/seasons",
            "/api/v1/seasons/{id}/openings",
            "/api/v1/openings/{id}",
            "/api/v1/applications",
            "/api/v1/applications/{id}",
            "/api/v1/applications/{id}/transitions",
        ] {
            assert!(paths.contains_key(path), "{path} is documented");
        }
        assert!(document["components"]["schemas"]["ErrorBody"].is_object());
        assert_eq!(
            document["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
    }
);
