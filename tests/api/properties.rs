//! Property tests (issue 13), database-free: `Api::prepare` over generated methods, paths,
//! query strings, headers and bodies never panics and answers only with catalog statuses and
//! codes; the canonical query encoding (C3.3) round-trips; the date and time grammar (G3)
//! reads back what it writes and refuses without panicking what it cannot read.

use proptest::prelude::*;
use restless::core::temporal::Literal;
use restless::core::{Api, ApiConfig, Prepared, Registered};
use restless::{ErrorCode, Method, ResourceConfig};

use crate::models::{Article, Comment, Person, Tag};

/// The blog's four types with every method, functions and client ids on, as the example
/// serves them.
fn api() -> Api {
    let config = ResourceConfig::new()
        .methods([Method::Get, Method::Post, Method::Patch, Method::Delete])
        .allow_functions(true)
        .allow_client_generated_ids(true)
        .allow_to_many_replacement(true)
        .allow_delete_from_to_many_relationships(true);
    let types = vec![
        Registered::new::<Person>(config.clone()),
        Registered::new::<Article>(config.clone()),
        Registered::new::<Comment>(config.clone()),
        Registered::new::<Tag>(config),
    ];
    let config = ApiConfig {
        jsonp: true,
        ..ApiConfig::default()
    };
    Api::new::<diesel::SqliteConnection>(config, types).expect("valid configuration")
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["GET", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS", "PUT"])
            .prop_map(str::to_owned),
        1 => "[A-Za-z]{0,8}",
    ]
}

/// Path segments as routing sees them: names, ids, and raw bytes, percent-encoded or not.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "person",
            "article",
            "comment",
            "tag",
            "eval",
            "relationships",
            "author",
            "articles",
            "comments",
            "tags",
            "1",
            "2",
            "0",
            "-1",
            "99999999999999999999",
            "",
        ])
        .prop_map(str::to_owned),
        "[a-z0-9%._~-]{0,12}",
        "%[0-9A-Fa-f]{0,2}[^/?#]{0,4}",
        any::<String>().prop_map(|s| s.replace(['/', '?', '#'], "")),
    ]
}

fn path() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["/api", "/api/", "", "/other", "/API"]),
        prop::collection::vec(segment(), 0..5),
    )
        .prop_map(|(prefix, segments)| {
            let mut path = prefix.to_owned();
            for s in segments {
                path.push('/');
                path.push_str(&s);
            }
            path
        })
}

fn query_value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "author",
            "comments.author",
            "name",
            "-age,name",
            "1",
            "0",
            "100",
            "101",
            "-5",
            "title,body",
            "[]",
            "[{\"name\":\"age\",\"op\":\"gt\",\"val\":3}]",
            "[{\"or\":[{\"name\":\"name\",\"op\":\"like\",\"val\":\"%a%\"}]}]",
            "[{\"name\":\"count\",\"field\":\"id\"}]",
            "cb",
            "a.b",
            "",
            "%ZZ",
            "%C3%28",
        ])
        .prop_map(str::to_owned),
        "[ -~]{0,24}",
        any::<String>(),
    ]
}

fn query() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        prop::sample::select(vec![
            "include",
            "fields[person]",
            "fields[article]",
            "fields[",
            "sort",
            "group_by",
            "group",
            "page[size]",
            "page[number]",
            "page[x]",
            "filter[objects]",
            "filter[name]",
            "filter[single]",
            "q",
            "ignore_case",
            "functions",
            "eval_functions",
            "callback",
            "jsonp_callback",
            "",
        ])
        .prop_map(str::to_owned),
        "[a-z\\[\\]%]{0,10}",
    ];
    prop::collection::vec((name, query_value(), any::<bool>()), 0..5).prop_map(|pairs| {
        let parts: Vec<String> = pairs
            .into_iter()
            .map(|(n, v, encode)| match encode {
                true => format!(
                    "{}={}",
                    restless::core::url::encode_query([(n.as_str(), "")]).trim_end_matches('='),
                    restless::core::url::encode_segment(&v)
                ),
                false => format!("{n}={v}"),
            })
            .collect();
        parts.join("&")
    })
}

fn media_type() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        prop::sample::select(vec![
            "application/vnd.api+json",
            "application/vnd.api+json; ext=x",
            "application/json",
            "*/*",
            "text/html",
            "application/vnd.api+json, application/vnd.api+json; q=0",
        ])
        .prop_map(str::to_owned),
        "[ -~]{0,30}",
    ])
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        prop::sample::select(vec![
            r#"{"data":{"type":"person","attributes":{"name":"x"}}}"#,
            r#"{"data":{"type":"person","id":"1","attributes":{"age":"old"}}}"#,
            r#"{"data":[{"type":"tag","id":"1"}]}"#,
            r#"{"data":null}"#,
            r#"{"data":{"type":"article","relationships":{"author":{"data":{"type":"person","id":"1"}}}}}"#,
            "[", "null", "{}",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..64),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn prepare_answers_only_catalog_statuses_and_codes(
        method in method(),
        path in path(),
        query in query(),
        accept in media_type(),
        content_type in media_type(),
        body in body(),
    ) {
        let api = api();
        let req = restless::core::Request {
            method: &method,
            mount: "",
            path: &path,
            query: &query,
            accept: accept.as_deref(),
            content_type: content_type.as_deref(),
            if_match: None,
            if_none_match: None,
            base: "http://localhost:8080",
            body: &body,
        };
        // A panic would be caught and answered 500: none may happen before the database.
        let Prepared::Reply(reply) = api.prepare(&req) else {
            return Ok(());
        };
        prop_assert!(
            [200, 204, 400, 403, 404, 405, 406, 409, 413, 415].contains(&reply.status),
            "{method} {path}?{query}: {}", reply.status
        );
        let Some(text) = reply.body else { return Ok(()); };
        // Unwrapped JSONP (T1.3) or the document itself.
        let text = match (text.starts_with('{'), text.find('('), text.rfind(')')) {
            (false, Some(open), Some(close)) if open < close => text[open + 1..close].to_owned(),
            _ => text,
        };
        let doc: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
        crate::common::assert_valid_document(&doc);
        if let Some(errors) = doc["errors"].as_array() {
            prop_assert!(!errors.is_empty());
            for error in errors {
                let code = error["code"].as_str().unwrap_or_default();
                let known = ErrorCode::ALL.iter().find(|c| c.as_str() == code);
                prop_assert!(known.is_some(), "unknown code {code}: {text}");
                let status = known.map(|c| c.status().to_string());
                prop_assert_eq!(error["status"].as_str(), status.as_deref(), "{}", text);
            }
        }
    }

    #[test]
    fn canonical_query_encoding_round_trips_c3_3(
        pairs in prop::collection::vec((any::<String>(), any::<String>()), 0..6),
    ) {
        let canonical = restless::core::url::encode_query(
            pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        );
        // Only C3.3's unreserved characters and percent-escapes are left.
        prop_assert!(canonical.bytes().all(|b| b.is_ascii_alphanumeric()
            || b"-._~!$'()*,:@/?%=&".contains(&b)), "{}", canonical);
        let decoded: Vec<(String, String)> = url::form_urlencoded::parse(canonical.as_bytes())
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect();
        prop_assert_eq!(&decoded, &pairs);
        // Encoding what was decoded gives the same text.
        let again = restless::core::url::encode_query(
            decoded.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        );
        prop_assert_eq!(again, canonical);
    }

    #[test]
    fn dates_and_times_read_back_g3(
        days in 1i32..=3_652_059,
        seconds in 0u32..86_400,
        micros in 0u32..1_000_000,
        offset in prop::option::of(-14 * 60i32..=14 * 60),
    ) {
        // Years 1 to 9999.
        let date = chrono::NaiveDate::from_num_days_from_ce_opt(days).expect("a date");
        let time = chrono::NaiveTime::from_num_seconds_from_midnight_opt(seconds, micros * 1000)
            .expect("a time");
        let mut text = format!("{}T{}", date.format("%Y-%m-%d"), time.format("%H:%M:%S%.6f"));
        if let Some(minutes) = offset {
            let sign = if minutes < 0 { '-' } else { '+' };
            text.push_str(&format!("{sign}{:02}:{:02}", minutes.abs() / 60, minutes.abs() % 60));
        }
        let literal = Literal::parse(&text, false);
        prop_assert_eq!(
            literal,
            Some(Literal { date: Some(date), time: Some(time), offset: offset.map(|m| m * 60) }),
            "{}", text
        );
        prop_assert_eq!(
            Literal::parse(&date.format("%Y-%m-%d").to_string(), false),
            Some(Literal { date: Some(date), time: None, offset: None })
        );
    }

    #[test]
    fn unreadable_dates_are_refused_without_panic_g3(
        text in prop_oneof!["[0-9T:+\\-.Z ]{0,32}", any::<String>()],
        time_only in any::<bool>(),
    ) {
        if let Some(literal) = Literal::parse(&text, time_only) {
            prop_assert!(literal.date.is_some() || literal.time.is_some(), "{}", text);
        }
    }
}
