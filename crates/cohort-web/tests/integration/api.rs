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

/// Posts an application that must be refused and returns the error document.
async fn refusal(client: &reqwest::Client, app: &TestApp, token: &str, body: &Value) -> Value {
    client
        .post(app.url("/api/v1/applications"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The names of the fields an error document lists, in its order.
fn field_names(error: &Value) -> Vec<&str> {
    error["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect()
}

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

        // A body that breaks the schema is refused before any rule of the season is checked.
        body["candidate"]["email"] = json!("ok@example.edu");
        body["graduation"] = json!("whenever");
        body["choices"] = json!([season.open[0], season.open[0]]);
        let invalid = refusal(&client, &app, &token, &body).await;
        let fields = field_names(&invalid);
        assert_eq!(fields, ["choices", "graduation"], "{invalid}");

        // A body that matches the schema is held to the season's rules, all of them at once.
        body["graduation"] = json!("2028-05");
        body["school"] = json!("   ");
        body["choices"] = json!([season.closed]);
        let invalid = refusal(&client, &app, &token, &body).await;
        let fields = field_names(&invalid);
        assert!(
            fields.contains(&"school") && fields.contains(&"choices"),
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
        assert_eq!(signed_up.status(), StatusCode::OK);
        assert!(app
            .store()
            .user_by_email("ok@example.edu")
            .await
            .unwrap()
            .is_some());
    }
);

both!(
    request_bodies_are_held_to_the_openapi_schema_and_integral_numbers_are_integers,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let admin = app.signed_in(Role::Administrator).await;
        let token = token(&app, &admin, &["read", "write"]).await;
        let client = reqwest::Client::new();
        let post = |path: &str, body: &Value| {
            client
                .post(app.url(path))
                .bearer_auth(&token)
                .json(body)
                .send()
        };
        let fields_of = |error: &Value| -> Vec<(String, String)> {
            error["error"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["field"].as_str().unwrap().to_owned(),
                        f["message"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        };

        let mut body = new_application(season.season_id, season.open[0], "schema@example.edu");
        body["nickname"] = json!("Ace");
        body["season_id"] = json!(1.5);
        body["resume"]["pages"] = json!(2);
        let refused = post("/api/v1/applications", &body).await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let error: Value = refused.json().await.unwrap();
        assert_eq!(error["error"]["code"], "invalid");
        let fields = fields_of(&error);
        let names = field_names(&error);
        assert!(
            names.contains(&"body") && names.contains(&"season_id") && names.contains(&"resume"),
            "{error}"
        );
        assert!(
            fields.iter().any(|(_, m)| m.contains("nickname")),
            "the unknown field is named: {error}"
        );
        assert_eq!(app.count("applications").await, 0);

        // A key given twice is refused, not read as its last value.
        let twice = client
            .post(app.url("/api/v1/applications"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(r#"{"season_id": 1, "season_id": 2}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(twice.status(), StatusCode::BAD_REQUEST);
        assert!(twice
            .text()
            .await
            .unwrap()
            .contains("duplicate field `season_id`"));

        // Half a million items get one error, not one each.
        let mut body = new_application(season.season_id, season.open[0], "schema@example.edu");
        body["languages"] = json!(vec![0; 500_000]);
        let refused = post("/api/v1/applications", &body).await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            fields_of(&refused.json().await.unwrap()),
            [(
                "languages".to_owned(),
                "This holds more than 100 items.".to_owned()
            )]
        );
        assert_eq!(app.count("applications").await, 0);

        // JSON Schema counts 7.0 as an integer, so the API reads it as one.
        let mut body = new_application(season.season_id, season.open[0], "schema@example.edu");
        body["season_id"] = json!(season.season_id as f64);
        body["choices"] = json!([season.open[0] as f64]);
        let created = post("/api/v1/applications", &body).await.unwrap();
        assert_eq!(created.status(), StatusCode::CREATED);
        let id = created.json::<Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap();

        let transitions = format!("/api/v1/applications/{id}/transitions");
        let refused = post(&transitions, &json!({"to": "promoted"}))
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields_of(&refused.json().await.unwrap())[0].0, "to");
        let refused = post(
            &transitions,
            &json!({"to": "screening", "reason": "\u{10}"}),
        )
        .await
        .unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            fields_of(&refused.json().await.unwrap()),
            [(
                "reason".to_owned(),
                "Remove control characters from the reason.".to_owned()
            )]
        );
        let refused = post(
            &transitions,
            &json!({"to": "screening", "reason": "x".repeat(501)}),
        )
        .await
        .unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.store().history(id).await.unwrap().len(), 1);

        let past_the_last_page = client
            .get(app.url("/api/v1/applications?page=1000000001"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(past_the_last_page.status(), StatusCode::BAD_REQUEST);
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
            "/api/v1/applications/{id}/scorecards",
            "/api/v1/applications/{id}/decisions",
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

both!(
    every_api_error_has_the_json_shape_even_for_bad_paths_queries_routes_methods_and_sizes,
    |app: TestApp| async move {
        app.seed_season().await;
        let admin = app.signed_in(Role::Administrator).await;
        let token = token(&app, &admin, &["read", "write"]).await;
        let client = reqwest::Client::new();
        let send = |method: reqwest::Method, path: &str| {
            client.request(method, app.url(path)).bearer_auth(&token)
        };
        let cases = [
            (
                send(reqwest::Method::GET, "/api/v1/applications/abc"),
                400,
                "bad_request",
            ),
            (
                send(reqwest::Method::GET, "/api/v1/applications?page=first"),
                400,
                "bad_request",
            ),
            (
                send(
                    reqwest::Method::GET,
                    "/api/v1/openings/99999999999999999999",
                ),
                400,
                "bad_request",
            ),
            (
                send(reqwest::Method::GET, "/api/v1/nowhere"),
                404,
                "not_found",
            ),
            (send(reqwest::Method::GET, "/api/v1"), 404, "not_found"),
            (
                send(reqwest::Method::DELETE, "/api/v1/seasons"),
                405,
                "method_not_allowed",
            ),
            (
                send(reqwest::Method::POST, "/api/v1/applications")
                    .header("content-type", "application/json")
                    .body(vec![b' '; 11 * 1024 * 1024]),
                413,
                "too_large",
            ),
            (
                send(reqwest::Method::POST, "/api/v1/applications/1/transitions")
                    .header("content-type", "application/json")
                    .body("{\"to\": 5}"),
                422,
                "invalid",
            ),
            (
                send(reqwest::Method::POST, "/api/v1/applications/1/transitions")
                    .header("content-type", "application/json")
                    .body("{\"to\": "),
                400,
                "bad_request",
            ),
        ];
        for (request, status, code) in cases {
            let response = request.send().await.unwrap();
            let url = response.url().path().to_owned();
            assert_eq!(response.status().as_u16(), status, "{url}");
            assert_eq!(
                response.headers()["content-type"].to_str().unwrap(),
                "application/json",
                "{url}"
            );
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], code, "{url}: {body}");
            assert!(body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()));
            assert!(body["error"]["fields"].is_array());
        }
        assert_eq!(app.count("applications").await, 0);
    }
);

both!(
    the_bearer_scheme_is_read_in_any_case_and_a_401_names_it,
    |app: TestApp| async move {
        let admin = app.signed_in(Role::Administrator).await;
        let token = token(&app, &admin, &["read"]).await;
        let client = reqwest::Client::new();
        for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
            let response = client
                .get(app.url("/api/v1/seasons"))
                .header("authorization", format!("{scheme} {token}"))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{scheme}");
        }
        for authorization in [
            None,
            Some("Basic YTpi".to_owned()),
            Some(format!("Bearer{token}")),
        ] {
            let mut request = client.get(app.url("/api/v1/seasons"));
            if let Some(value) = &authorization {
                request = request.header("authorization", value);
            }
            let response = request.send().await.unwrap();
            assert_eq!(
                response.status(),
                StatusCode::UNAUTHORIZED,
                "{authorization:?}"
            );
            assert!(response.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer"));
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], "unauthenticated");
        }
    }
);

both!(
    the_openapi_document_lists_every_response_and_the_names_the_code_accepts,
    |app: TestApp| async move {
        let document: Value = reqwest::get(app.url("/api/v1/openapi.json"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let responses = |path: &str, method: &str| -> Vec<String> {
            let mut codes: Vec<String> = document["paths"][path][method]["responses"]
                .as_object()
                .unwrap_or_else(|| panic!("{method} {path}"))
                .keys()
                .cloned()
                .collect();
            codes.sort();
            codes
        };
        assert_eq!(
            responses("/api/v1/applications", "post"),
            ["201", "400", "401", "403", "404", "409", "413", "422"]
        );
        assert_eq!(
            responses("/api/v1/applications/{id}/transitions", "post"),
            ["200", "400", "401", "403", "404", "409", "413", "422"]
        );
        assert_eq!(
            responses("/api/v1/applications/{id}", "get"),
            ["200", "400", "401", "403", "404"]
        );
        let schemas = &document["components"]["schemas"];
        let names = |schema: &str| -> Vec<String> {
            schemas[schema]["enum"]
                .as_array()
                .unwrap_or_else(|| panic!("{schema} is an enum"))
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect()
        };
        let stages: Vec<String> = cohort_domain::Stage::ALL
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect();
        assert_eq!(names("StageName"), stages);
        // The reasons a move may give; the offer's own two are recorded by the offer.
        let reasons: Vec<String> = cohort_domain::RejectionReason::CHOICES
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect();
        assert_eq!(names("RejectionCode"), reasons);
        let new = &schemas["NewApplicationDto"]["properties"];
        assert_eq!(new["school"]["maxLength"], 200);
        assert_eq!(
            new["choices"]["maxItems"],
            cohort_domain::application::MAX_CHOICES
        );
        assert_eq!(new["cover_letter"]["maxLength"], 10_000);
        assert_eq!(
            schemas["NewCandidateDto"]["properties"]["email"]["format"],
            "email"
        );
        let total = schemas["ApplicationPage"]["properties"]["total"]["description"]
            .as_str()
            .unwrap();
        assert!(
            total.contains(&cohort_store::applications::COUNT_LIMIT.to_string()),
            "{total}"
        );
    }
);
