//! Pre- and post-hooks (U1–U5) over HTTP, on the blog's types.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::http::Method;
use restless::hook::Hooks;
use restless::{HookError, PostKind, PreKind};
use serde_json::{json, Value};

use crate::common::fixture::{ro, ros};
use crate::common::{
    error_doc, ids, internal, internal_error, internal_error_of, query, types, Server, B,
};
use crate::db::Custom;

/// `hook` as the pre-hook of `kind` on `person`.
fn on_person(
    kind: PreKind,
    hook: impl Fn(&mut restless::hook::Pre<'_>) -> Result<(), HookError> + Send + Sync + 'static,
) -> Custom {
    let hook = Arc::new(hook);
    types(move |name, config| match name {
        "person" => {
            let hook = Arc::clone(&hook);
            config.pre(kind, move |req| hook(req))
        }
        _ => config,
    })
}

#[actix_web::test]
async fn a_collection_hook_appends_a_filter_u3_3() {
    let srv = Server::start_custom(
        false,
        on_person(PreKind::GetCollection, |req| {
            req.filters
                .push(json!({"name": "id", "op": "neq", "val": 1}));
            Ok(())
        }),
    );
    let res = srv.get("/api/person").await;
    assert_eq!(res.status, 200);
    let page = format!("{B}/person?page%5Bnumber%5D=1&page%5Bsize%5D=10");
    assert_eq!(
        res.json(),
        json!({"data": ros("person", &[2, 3]), "links": {"self": format!("{B}/person"),
            "first": page, "last": page, "prev": null, "next": null},
            "meta": {"total": 2}, "jsonapi": {"version": "1.0"}})
    );
    // Validated together with the client's filters (AND).
    let q = query(&[("filter[objects]", r#"[{"name":"age","op":"is_not_null"}]"#)]);
    let res = srv.get(&format!("/api/person{q}")).await;
    assert_eq!(ids(&res.json()), ["3"]);
    // The client's own mistakes stay the client's (400), even with a hook's filter appended.
    let q = query(&[("filter[objects]", r#"[{"name":"bogus","op":"eq","val":1}]"#)]);
    let res = srv.get(&format!("/api/person{q}")).await;
    assert_eq!(res.status, 400);
    assert_eq!(res.json()["errors"][0]["code"], "invalid_filter");
}

#[actix_web::test]
async fn an_invalid_value_from_a_hook_is_500_u3_3() {
    let srv = Server::start_custom(
        false,
        on_person(PreKind::GetCollection, |req| {
            match req.context().header("x-case") {
                Some("filter") => req
                    .filters
                    .push(json!({"name": "bogus", "op": "eq", "val": 1})),
                Some("sort") => req.sort = Some("bogus".into()),
                Some("group") => req.group_by = Some("nope".into()),
                _ => {}
            }
            Ok(())
        }),
    );
    for case in ["filter", "sort", "group"] {
        let headers = [("Accept", "application/vnd.api+json"), ("X-Case", case)];
        let res = srv.request(Method::GET, "/api/person", &headers).await;
        assert_eq!(res.status, 500, "{case}: {}", res.body);
        assert_eq!(internal_error(&res), internal(), "{case}");
    }
}

#[actix_web::test]
async fn hooks_change_sort_and_single_u3_3() {
    let srv = Server::start_custom(
        false,
        on_person(PreKind::GetCollection, |req| {
            req.sort = Some("-id".into());
            if req.context().header("x-one").is_some() {
                req.filters
                    .push(json!({"name": "name", "op": "eq", "val": "Carol"}));
                req.single = true;
            }
            Ok(())
        }),
    );
    assert_eq!(ids(&srv.get("/api/person").await.json()), ["3", "2", "1"]);
    let headers = [("Accept", "application/vnd.api+json"), ("X-One", "1")];
    let res = srv.request(Method::GET, "/api/person", &headers).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["data"], ro("person", 3));
}

#[actix_web::test]
async fn a_hook_changes_the_id_u3_2() {
    let srv = Server::start_custom(
        false,
        on_person(PreKind::GetResource, |req| {
            if req.id.as_deref() == Some("0") {
                req.id = Some("1".into());
            }
            Ok(())
        }),
    );
    let res = srv.get("/api/person/0").await;
    assert_eq!(res.status, 200);
    // The top-level self link stays the request's; the resource's describes person 1.
    assert_eq!(
        res.json(),
        json!({"data": ro("person", 1), "links": {"self": format!("{B}/person/0")},
            "jsonapi": {"version": "1.0"}})
    );
}

#[actix_web::test]
async fn a_hook_redirects_a_relation_u3_1() {
    let srv = Server::start_custom(
        false,
        on_person(PreKind::GetRelation, |req| {
            if req.id.as_deref() == Some("foo") {
                req.id = Some("1".into());
                req.relationship = Some("articles".into());
            }
            Ok(())
        }),
    );
    let res = srv.get("/api/person/foo/bar").await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(ids(&res.json()), ["1", "2"]);
    // A relationship name a hook leaves unknown is 404 like one from the URL.
    let res = srv.get("/api/person/1/bar").await;
    assert_eq!(res.status, 404);
    assert_eq!(res.json()["errors"][0]["code"], "relationship_not_found");
}

#[actix_web::test]
async fn hooks_run_universal_first_in_order_and_see_each_other_u2_1_u3_4_u3_5() {
    let mut hooks = Hooks::default();
    hooks.pre(PreKind::PostResource, |req| {
        set_name(req, |_| "A".into());
        Ok(())
    });
    let custom = Custom {
        hooks,
        ..types(|name, config| match name {
            "person" => config
                .pre(PreKind::PostResource, |req| {
                    set_name(req, |n| format!("{n}B"));
                    Ok(())
                })
                .pre(PreKind::PostResource, |req| {
                    set_name(req, |n| format!("{n}C"));
                    Ok(())
                }),
            _ => config,
        })
    };
    let srv = Server::start_custom(true, custom);
    let doc = json!({"data": {"type": "person", "attributes": {"name": "client"}}});
    let res = srv.write(Method::POST, "/api/person", &doc).await;
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.json()["data"]["attributes"]["name"], "ABC");
    let res = srv.get("/api/person/4").await;
    assert_eq!(res.json()["data"]["attributes"]["name"], "ABC");
}

fn set_name(req: &mut restless::hook::Pre<'_>, f: impl Fn(&str) -> String) {
    let attributes = &mut req.document.as_mut().unwrap()["data"]
        .as_object_mut()
        .unwrap()["attributes"];
    let name = attributes["name"].as_str().unwrap_or_default().to_owned();
    attributes["name"] = Value::String(f(if name == "client" { "" } else { &name }));
}

#[actix_web::test]
async fn a_pre_hook_error_is_the_answer_and_touches_nothing_u3_6_u5_1_u5_2() {
    let later = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&later);
    let custom = types(move |name, config| match name {
        "person" => {
            let count = Arc::clone(&count);
            config
                .pre(PreKind::PatchResource, |_| {
                    Err(HookError::new(403)
                        .detail("forbidden")
                        .www_authenticate("Bearer realm=\"blog\""))
                })
                .pre(PreKind::PatchResource, move |_| {
                    count.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                })
        }
        _ => config,
    });
    let srv = Server::start_custom(true, custom);
    let doc = json!({"data": {"type": "person", "id": "1", "attributes": {"name": "Mallory"}}});
    let res = srv.write(Method::PATCH, "/api/person/1", &doc).await;
    assert_eq!(res.status, 403);
    assert_eq!(
        res.header("www-authenticate"),
        Some("Bearer realm=\"blog\"")
    );
    assert_eq!(
        res.json(),
        json!({"errors": [{"status": "403", "detail": "forbidden"}], "jsonapi": {"version": "1.0"}})
    );
    assert_eq!(later.load(Ordering::SeqCst), 0, "later hooks do not run");
    let res = srv.get("/api/person/1").await;
    assert_eq!(res.json()["data"], ro("person", 1), "nothing written");
}

#[actix_web::test]
async fn hook_errors_keep_their_headers_under_jsonp_u5_2_t1_4() {
    let srv = Server::start_custom(
        false,
        on_person(PreKind::GetResource, |_| {
            Err(HookError::new(401).code("unauthorized").retry_after("3"))
        }),
    );
    let res = srv.get("/api/person/1?callback=cb").await;
    assert_eq!(res.status, 200, "T1.4");
    assert_eq!(res.header("retry-after"), Some("3"));
    assert_eq!(
        res.body,
        r#"cb({"errors":[{"status":"401","code":"unauthorized"}],"meta":{"status":401},"jsonapi":{"version":"1.0"}})"#
    );
}

#[actix_web::test]
async fn a_status_outside_4xx_and_5xx_or_a_panic_is_500_u5_1_a3_2() {
    let srv = Server::start_custom(
        false,
        on_person(PreKind::GetResource, |req| match req.id.as_deref() {
            Some("1") => Err(HookError::new(302).detail("elsewhere")),
            Some("2") => panic!("a hook's bug"),
            _ => Ok(()),
        }),
    );
    for id in ["1", "2"] {
        let res = srv.get(&format!("/api/person/{id}")).await;
        assert_eq!(res.status, 500);
        assert_eq!(res.header("location"), None);
        assert_eq!(internal_error(&res), internal());
    }
    // A browser gets the same 500 as a page (B1.5).
    let res = srv
        .request(
            actix_web::http::Method::GET,
            "/api/person/2",
            &[("Accept", "text/html")],
        )
        .await;
    assert_eq!(res.status, 500);
    assert_eq!(res.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(internal_error_of(res.html_document()), internal());
    // The worker survived the panic.
    let res = srv.get("/api/person/3").await;
    assert_eq!(res.status, 200);
}

#[actix_web::test]
async fn post_hooks_change_the_document_u4_2_u4_3() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let custom = types(move |name, config| match name {
        "person" => {
            let record = Arc::clone(&record);
            config.post(PostKind::GetCollection, move |res| {
                record.lock().unwrap().push((
                    res.filters().to_vec(),
                    res.sort().map(str::to_owned),
                    res.single(),
                ));
                let doc = res.document.as_mut().unwrap();
                doc.meta_mut().insert("hooked".into(), json!(true));
                doc.links = None;
                if let Some(Value::Array(items)) = doc.data.as_mut() {
                    items.truncate(1);
                }
                Ok(())
            })
        }
        _ => config,
    });
    let srv = Server::start_custom(false, custom);
    let q = query(&[
        ("filter[objects]", r#"[{"name":"id","op":"gt","val":1}]"#),
        ("sort", "-name"),
    ]);
    let res = srv.get(&format!("/api/person{q}")).await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json(),
        json!({"data": [ro("person", 2)], "meta": {"total": 2, "hooked": true},
            "jsonapi": {"version": "1.0"}})
    );
    assert_eq!(
        *seen.lock().unwrap(),
        [(
            vec![json!({"name": "id", "op": "gt", "val": 1})],
            Some("-name".to_owned()),
            false
        )]
    );
    // Hook meta survives JSONP, which only adds `status` (U4.3).
    let res = srv.get("/api/person?callback=cb").await;
    let body = res
        .body
        .strip_prefix("cb(")
        .unwrap()
        .strip_suffix(')')
        .unwrap();
    let doc: Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        doc["meta"],
        json!({"total": 3, "hooked": true, "status": 200})
    );
}

#[actix_web::test]
async fn post_hooks_run_before_commit_and_their_errors_roll_back_u4_1_u4_4() {
    let srv = Server::start_custom(
        true,
        types(|name, config| match name {
            "person" => config.post(PostKind::PostResource, |res| {
                let doc = res.document.as_ref().unwrap();
                assert_eq!(doc.data.as_ref().unwrap()["id"], "4", "after the INSERT");
                Err(HookError::new(409).code("quota").detail("No more people."))
            }),
            _ => config,
        }),
    );
    let doc = json!({"data": {"type": "person", "attributes": {"name": "Dave"}}});
    let res = srv.write(Method::POST, "/api/person", &doc).await;
    assert_eq!(res.status, 409);
    assert_eq!(res.header("location"), None);
    assert_eq!(
        res.json(),
        error_doc(json!({"status": "409", "code": "quota", "detail": "No more people."}))
    );
    let res = srv.get("/api/person").await;
    assert_eq!(ids(&res.json()), ["1", "2", "3"], "rolled back");
}

#[actix_web::test]
async fn post_hooks_see_only_success_documents_u4_5() {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut hooks = Hooks::default();
    for kind in PostKind::ALL {
        let calls = Arc::clone(&calls);
        hooks.post(kind, move |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok(())
        });
    }
    // A pre-hook's error document passes through no post-hook either.
    hooks.pre(PreKind::GetResource, |req| match req.type_name() {
        "tag" => Err(HookError::new(403)),
        _ => Ok(()),
    });
    let srv = Server::start_custom(
        false,
        Custom {
            hooks,
            ..Custom::default()
        },
    );
    for (path, status) in [
        ("/api", 200),
        ("/api/person/9", 404),
        ("/api/nothing", 404),
        ("/api/person?sort=bogus", 400),
        ("/api/tag/1", 403),
    ] {
        let res = srv.get(path).await;
        assert_eq!(res.status, status, "{path}");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    srv.get("/api/person/1").await;
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// A request (method, path, body), its status and the hooks it runs.
type Case<'a> = (Method, &'a str, Option<Value>, u16, &'a [&'a str]);

#[actix_web::test]
async fn every_kind_runs_where_the_catalog_says_u1_1() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut hooks = Hooks::default();
    for kind in PreKind::ALL {
        let seen = Arc::clone(&seen);
        hooks.pre(kind, move |req| {
            seen.lock()
                .unwrap()
                .push(format!("pre {:?} {}", req.kind(), req.type_name()));
            Ok(())
        });
    }
    for kind in PostKind::ALL.into_iter().chain([PostKind::GetRelationship]) {
        let seen = Arc::clone(&seen);
        hooks.post(kind, move |res| {
            seen.lock().unwrap().push(format!(
                "post {kind:?} as {:?} {} {:?} {:?} {:?} {}",
                res.kind(),
                res.type_name(),
                res.id(),
                res.relationship(),
                res.was_deleted(),
                res.document.is_some()
            ));
            Ok(())
        });
    }
    let srv = Server::start_custom(
        true,
        Custom {
            hooks,
            ..Custom::default()
        },
    );
    let tag = json!({"data": {"type": "tag", "attributes": {"name": "new"}}});
    let many = json!({"data": [{"type": "tag", "id": "3"}]});
    let none = json!({"data": []});
    let cases: Vec<Case> = vec![
        (Method::GET, "/api/tag", None, 200, &["pre GetCollection tag", "post GetCollection as GetCollection tag None None None true"]),
        (Method::HEAD, "/api/tag/1", None, 200, &["pre GetResource tag", "post GetResource as GetResource tag Some(\"1\") None None true"]),
        (Method::GET, "/api/article/1/author", None, 200, &["pre GetRelation article", "post GetToOneRelation as GetToOneRelation article Some(\"1\") Some(\"author\") None true"]),
        (Method::GET, "/api/article/1/tags", None, 200, &["pre GetRelation article", "post GetToManyRelation as GetToManyRelation article Some(\"1\") Some(\"tags\") None true"]),
        (Method::GET, "/api/article/1/tags/2", None, 200, &["pre GetRelatedResource article", "post GetRelatedResource as GetRelatedResource article Some(\"1\") Some(\"tags\") None true"]),
        (Method::GET, "/api/article/1/relationships/author", None, 200, &["pre GetRelationship article", "post GetToOneRelationship as GetToOneRelationship article Some(\"1\") Some(\"author\") None true", "post GetRelationship as GetToOneRelationship article Some(\"1\") Some(\"author\") None true"]),
        (Method::GET, "/api/article/1/relationships/tags", None, 200, &["pre GetRelationship article", "post GetToManyRelationship as GetToManyRelationship article Some(\"1\") Some(\"tags\") None true", "post GetRelationship as GetToManyRelationship article Some(\"1\") Some(\"tags\") None true"]),
        (Method::GET, "/api/eval/tag?eval_functions=%5B%7B%22name%22%3A%22count%22%2C%22field%22%3A%22id%22%7D%5D", None, 200, &["pre Eval tag", "post Eval as Eval tag None None None true"]),
        (Method::POST, "/api/tag", Some(tag.clone()), 201, &["pre PostResource tag", "post PostResource as PostResource tag None None None true"]),
        (Method::PATCH, "/api/person/1", Some(json!({"data": {"type": "person", "id": "1", "attributes": {"created_at": "2024-01-15T11:30:00+02:00"}}})), 200, &["pre PatchResource person", "post PatchResource as PatchResource person Some(\"1\") None None true"]),
        (Method::PATCH, "/api/tag/4", Some(json!({"data": {"type": "tag", "id": "4"}})), 204, &["pre PatchResource tag", "post PatchResource as PatchResource tag Some(\"4\") None None false"]),
        (Method::POST, "/api/article/2/relationships/tags", Some(many.clone()), 204, &["pre PostRelationship article", "post PostRelationship as PostRelationship article Some(\"2\") Some(\"tags\") None false"]),
        (Method::PATCH, "/api/article/2/relationships/author", Some(json!({"data": null})), 204, &["pre PatchRelationship article", "post PatchRelationship as PatchRelationship article Some(\"2\") Some(\"author\") None false"]),
        (Method::DELETE, "/api/article/2/relationships/tags", Some(many.clone()), 204, &["pre DeleteRelationship article", "post DeleteRelationship as DeleteRelationship article Some(\"2\") Some(\"tags\") Some(true) false"]),
        (Method::DELETE, "/api/article/2/relationships/tags", Some(many.clone()), 204, &["pre DeleteRelationship article", "post DeleteRelationship as DeleteRelationship article Some(\"2\") Some(\"tags\") Some(false) false"]),
        (Method::PATCH, "/api/article/2/relationships/tags", Some(none.clone()), 204, &["pre PatchRelationship article", "post PatchRelationship as PatchRelationship article Some(\"2\") Some(\"tags\") None false"]),
        (Method::DELETE, "/api/tag/4", None, 204, &["pre DeleteResource tag", "post DeleteResource as DeleteResource tag Some(\"4\") None Some(true) false"]),
        (Method::OPTIONS, "/api/tag", None, 204, &[]),
    ];
    for (method, path, body, status, expected) in cases {
        seen.lock().unwrap().clear();
        let res = match body {
            Some(body) => srv.write(method.clone(), path, &body).await,
            None => {
                srv.request(
                    method.clone(),
                    path,
                    &[("Accept", "application/vnd.api+json")],
                )
                .await
            }
        };
        assert_eq!(res.status, status, "{method} {path}: {}", res.body);
        assert_eq!(*seen.lock().unwrap(), expected, "{method} {path}");
    }
}

#[actix_web::test]
async fn hooks_see_the_request_context_u1_1() {
    /// What an authentication middleware leaves in actix's request extensions.
    #[derive(Clone)]
    struct User(&'static str);
    let mut hooks = Hooks::default();
    hooks.post(PostKind::GetResource, |res| {
        let ctx = res.context();
        let echo = json!({
            "method": ctx.method(),
            "path": ctx.path(),
            "header": ctx.header("x-test"),
            "query": ctx.query("fields[person]"),
            "user": ctx.get::<User>().map(|u| u.0),
        });
        res.document
            .as_mut()
            .unwrap()
            .meta_mut()
            .insert("echo".into(), echo);
        Ok(())
    });
    let custom = Custom {
        hooks,
        context: Some(Arc::new(|req, ctx| {
            use actix_web::HttpMessage as _;
            if let Some(user) = req.extensions().get::<User>() {
                ctx.insert(user.clone());
            }
        })),
        ..Custom::default()
    };
    let (api, lock) = Server::custom_api(false, custom);
    let srv = Server::started_with(
        actix_test::start(move || {
            use actix_web::dev::Service as _;
            use actix_web::HttpMessage as _;
            actix_web::App::new()
                .wrap_fn(|req, srv| {
                    if req.headers().contains_key("x-test") {
                        req.extensions_mut().insert(User("ann"));
                    }
                    srv.call(req)
                })
                .service(api.scope())
        }),
        lock,
    );
    let res = srv
        .request(
            Method::GET,
            "/api/person/1?fields%5Bperson%5D=name",
            &[("Accept", "application/vnd.api+json"), ("X-Test", "yes")],
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json()["meta"]["echo"],
        json!({"method": "GET", "path": "/api/person/1", "header": "yes", "query": "name",
            "user": "ann"})
    );
    let res = srv.get("/api/person/1").await;
    assert_eq!(res.json()["meta"]["echo"]["user"], Value::Null);
}

#[actix_web::test]
async fn a_post_hook_panic_is_500_and_rolls_back_a3_2() {
    let srv = Server::start_custom(
        true,
        types(|name, config| match name {
            "tag" => config.post(PostKind::PostResource, |_| panic!("a post-hook's bug")),
            _ => config,
        }),
    );
    let doc = json!({"data": {"type": "tag", "attributes": {"name": "go"}}});
    let res = srv.write(Method::POST, "/api/tag", &doc).await;
    assert_eq!(res.status, 500);
    assert_eq!(internal_error(&res), internal());
    assert_eq!(ids(&srv.get("/api/tag").await.json()), ["1", "2", "3"]);
    // Both of the pool's connections are still usable, for reads and writes.
    let ok = json!({"data": {"type": "person", "attributes": {"name": "Dave"}}});
    assert_eq!(
        srv.write(Method::POST, "/api/person", &ok).await.status,
        201
    );
    for _ in 0..4 {
        assert_eq!(srv.get("/api/tag/1").await.status, 200);
        assert_eq!(srv.write(Method::POST, "/api/tag", &doc).await.status, 500);
    }
}

#[actix_web::test]
async fn a_panicking_context_extractor_is_500_a3_2() {
    let mut hooks = Hooks::default();
    hooks.pre(PreKind::GetResource, |_| Ok(()));
    let custom = Custom {
        hooks,
        context: Some(Arc::new(|req, _| {
            assert!(!req.headers().contains_key("x-boom"), "an extractor's bug");
        })),
        ..Custom::default()
    };
    let srv = Server::start_custom(false, custom);
    let headers = [("Accept", "application/vnd.api+json"), ("X-Boom", "1")];
    let res = srv.request(Method::GET, "/api/person/1", &headers).await;
    assert_eq!(res.status, 500);
    assert_eq!(internal_error(&res), internal());
    assert_eq!(srv.get("/api/person/1").await.status, 200);
}
