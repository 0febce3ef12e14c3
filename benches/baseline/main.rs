//! The hand-written baseline of the load harness (`cargo bench --bench load`): the blog's
//! article documents served by plain actix-web 4 + Diesel 2 + serde, as a careful engineer
//! would write them without restless. Typed queries, one read transaction per request, the
//! linkage of a page in one statement per relationship, typed `Serialize` documents.
//!
//! Routes: `GET /api/article/{id}` (S1) and `GET /api/article` with `page[size]` (S2, S5).
//! `DATABASE_URL` names the database (a SQLite file, or `postgres://...` with the `postgres`
//! feature), `PORT` the port.

#![allow(missing_docs, unreachable_pub, reason = "a benchmark server")]

#[path = "../../examples/blog/schema.rs"]
mod schema;

use std::collections::HashMap;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use diesel::prelude::*;
use serde::Serialize;

use schema::{article, article_tag, comment};

/// An article row: id, title, body, rating, published_at, author_id.
type ArticleRow = (
    i32,
    String,
    Option<String>,
    Option<f64>,
    Option<chrono::NaiveDateTime>,
    Option<i32>,
);

#[derive(Serialize)]
struct Identifier {
    #[serde(rename = "type")]
    type_name: &'static str,
    id: String,
}

#[derive(Serialize)]
struct RelLinks {
    #[serde(rename = "self")]
    self_: String,
    related: String,
}

#[derive(Serialize)]
struct ToOne {
    links: RelLinks,
    data: Option<Identifier>,
}

#[derive(Serialize)]
struct ToMany {
    links: RelLinks,
    data: Vec<Identifier>,
}

#[derive(Serialize)]
struct Attributes {
    title: String,
    body: Option<String>,
    rating: Option<f64>,
    published_at: Option<String>,
}

#[derive(Serialize)]
struct Relationships {
    author: ToOne,
    comments: ToMany,
    tags: ToMany,
}

#[derive(Serialize)]
struct SelfLink {
    #[serde(rename = "self")]
    self_: String,
}

#[derive(Serialize)]
struct Resource {
    #[serde(rename = "type")]
    type_name: &'static str,
    id: String,
    attributes: Attributes,
    relationships: Relationships,
    links: SelfLink,
}

#[derive(Serialize)]
struct JsonApi {
    version: &'static str,
}

#[derive(Serialize)]
struct One {
    data: Resource,
    links: SelfLink,
    jsonapi: JsonApi,
}

#[derive(Serialize)]
struct PageLinks {
    #[serde(rename = "self")]
    self_: String,
    first: String,
    last: String,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Serialize)]
struct Total {
    total: i64,
}

#[derive(Serialize)]
struct Many {
    data: Vec<Resource>,
    links: PageLinks,
    meta: Total,
    jsonapi: JsonApi,
}

/// An article's resource object, its linkage given.
fn resource(base: &str, row: ArticleRow, comments: &[i32], tags: &[i32]) -> Resource {
    let (id, title, body, rating, published_at, author) = row;
    let url = format!("{base}/article/{id}");
    let links = |name: &str| RelLinks {
        self_: format!("{url}/relationships/{name}"),
        related: format!("{url}/{name}"),
    };
    let ids = |type_name: &'static str, keys: &[i32]| {
        keys.iter()
            .map(|k| Identifier {
                type_name,
                id: k.to_string(),
            })
            .collect()
    };
    Resource {
        type_name: "article",
        id: id.to_string(),
        attributes: Attributes {
            title,
            body,
            rating,
            published_at: published_at.map(|t| t.format("%Y-%m-%dT%H:%M:%S%.f").to_string()),
        },
        relationships: Relationships {
            author: ToOne {
                links: links("author"),
                data: author.map(|a| Identifier {
                    type_name: "person",
                    id: a.to_string(),
                }),
            },
            comments: ToMany {
                links: links("comments"),
                data: ids("comment", comments),
            },
            tags: ToMany {
                links: links("tags"),
                data: ids("tag", tags),
            },
        },
        links: SelfLink { self_: url },
    }
}

/// `scheme://host/api` of the request.
fn base(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}/api", info.scheme(), info.host())
}

/// The page size of `page[size]`, 10 by default, at most 100.
fn page_size(req: &HttpRequest) -> i64 {
    web::Query::<HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get("page[size]").and_then(|v| v.parse().ok()))
        .unwrap_or(10)
        .clamp(1, 100)
}

fn respond(body: Result<Option<String>, String>) -> HttpResponse {
    match body {
        Ok(Some(body)) => HttpResponse::Ok()
            .content_type("application/vnd.api+json")
            .insert_header(("Vary", "Accept"))
            .body(body),
        Ok(None) => HttpResponse::NotFound().finish(),
        Err(e) => HttpResponse::InternalServerError().body(e),
    }
}

/// The handlers for one connection type.
macro_rules! handlers {
    ($module:ident, $conn:ty) => {
        mod $module {
            use super::*;

            pub type Pool = diesel::r2d2::Pool<diesel::r2d2::ConnectionManager<$conn>>;

            /// Linkage of `ids`: (article id, member id) rows, grouped.
            fn linkage(
                conn: &mut $conn,
                ids: &[i32],
            ) -> QueryResult<(HashMap<i32, Vec<i32>>, HashMap<i32, Vec<i32>>)> {
                let mut comments: HashMap<i32, Vec<i32>> = HashMap::new();
                let rows: Vec<(Option<i32>, i32)> = comment::table
                    .filter(comment::article_id.eq_any(ids))
                    .select((comment::article_id, comment::id))
                    .order((comment::article_id, comment::id))
                    .load(conn)?;
                for (article, id) in rows {
                    if let Some(article) = article {
                        comments.entry(article).or_default().push(id);
                    }
                }
                let mut tags: HashMap<i32, Vec<i32>> = HashMap::new();
                let rows: Vec<(i32, i32)> = article_tag::table
                    .filter(article_tag::article_id.eq_any(ids))
                    .select((article_tag::article_id, article_tag::tag_id))
                    .order((article_tag::article_id, article_tag::tag_id))
                    .load(conn)?;
                for (article, tag) in rows {
                    tags.entry(article).or_default().push(tag);
                }
                Ok((comments, tags))
            }

            const COLUMNS: (
                article::id,
                article::title,
                article::body,
                article::rating,
                article::published_at,
                article::author_id,
            ) = (
                article::id,
                article::title,
                article::body,
                article::rating,
                article::published_at,
                article::author_id,
            );

            /// S1: one article.
            pub async fn single(
                req: HttpRequest,
                pool: web::Data<Pool>,
                id: web::Path<i32>,
            ) -> HttpResponse {
                let base = base(&req);
                let id = id.into_inner();
                let pool = pool.into_inner();
                let body = web::block(move || -> Result<Option<String>, String> {
                    let mut conn = pool.get().map_err(|e| e.to_string())?;
                    let found = conn
                        .transaction(|conn| {
                            let row: Option<ArticleRow> = article::table
                                .find(id)
                                .select(COLUMNS)
                                .first(conn)
                                .optional()?;
                            let Some(row) = row else {
                                return Ok(None);
                            };
                            let (comments, tags) = linkage(conn, &[id])?;
                            Ok::<_, diesel::result::Error>(Some((row, comments, tags)))
                        })
                        .map_err(|e| e.to_string())?;
                    drop(conn);
                    let Some((row, comments, tags)) = found else {
                        return Ok(None);
                    };
                    let url = format!("{base}/article/{id}");
                    let doc = One {
                        data: resource(
                            &base,
                            row,
                            comments.get(&id).map_or(&[], Vec::as_slice),
                            tags.get(&id).map_or(&[], Vec::as_slice),
                        ),
                        links: SelfLink { self_: url },
                        jsonapi: JsonApi { version: "1.0" },
                    };
                    serde_json::to_string(&doc)
                        .map(Some)
                        .map_err(|e| e.to_string())
                })
                .await;
                respond(body.unwrap_or_else(|e| Err(e.to_string())))
            }

            /// Serves both routes from a pool of 8 connections to `url`.
            pub async fn serve(url: &str, port: u16) -> std::io::Result<()> {
                let pool = Pool::builder()
                    .max_size(8)
                    .build(diesel::r2d2::ConnectionManager::new(url))
                    .map_err(std::io::Error::other)?;
                let data = web::Data::new(pool);
                HttpServer::new(move || {
                    App::new()
                        .app_data(data.clone())
                        .route("/api/article", web::get().to(page))
                        .route("/api/article/{id}", web::get().to(single))
                })
                .bind(("127.0.0.1", port))?
                .run()
                .await
            }

            /// S2 and S5: the first page of articles.
            pub async fn page(req: HttpRequest, pool: web::Data<Pool>) -> HttpResponse {
                let base = base(&req);
                let size = page_size(&req);
                let self_url = match req.query_string() {
                    "" => format!("{base}/article"),
                    q => format!(
                        "{base}/article?{}",
                        q.replace('[', "%5B").replace(']', "%5D")
                    ),
                };
                let pool = pool.into_inner();
                let body = web::block(move || -> Result<Option<String>, String> {
                    let mut conn = pool.get().map_err(|e| e.to_string())?;
                    let (total, rows, comments, tags) = conn
                        .transaction(|conn| {
                            let total: i64 = article::table.count().get_result(conn)?;
                            let rows: Vec<ArticleRow> = article::table
                                .select(COLUMNS)
                                .order(article::id)
                                .limit(size)
                                .load(conn)?;
                            let ids: Vec<i32> = rows.iter().map(|r| r.0).collect();
                            let (comments, tags) = linkage(conn, &ids)?;
                            Ok::<_, diesel::result::Error>((total, rows, comments, tags))
                        })
                        .map_err(|e| e.to_string())?;
                    drop(conn);
                    let data = rows
                        .into_iter()
                        .map(|row| {
                            let id = row.0;
                            resource(
                                &base,
                                row,
                                comments.get(&id).map_or(&[], Vec::as_slice),
                                tags.get(&id).map_or(&[], Vec::as_slice),
                            )
                        })
                        .collect();
                    let last = (total + size - 1).max(size) / size;
                    let page = |n: i64| {
                        format!("{base}/article?page%5Bnumber%5D={n}&page%5Bsize%5D={size}")
                    };
                    let doc = Many {
                        data,
                        links: PageLinks {
                            self_: self_url,
                            first: page(1),
                            last: page(last),
                            prev: None,
                            next: (last > 1).then(|| page(2)),
                        },
                        meta: Total { total },
                        jsonapi: JsonApi { version: "1.0" },
                    };
                    serde_json::to_string(&doc)
                        .map(Some)
                        .map_err(|e| e.to_string())
                })
                .await;
                respond(body.unwrap_or_else(|e| Err(e.to_string())))
            }
        }
    };
}

handlers!(sqlite, diesel::SqliteConnection);
#[cfg(feature = "postgres")]
handlers!(pg, diesel::PgConnection);

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "blog.db".into());
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8081);
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres") {
        return pg::serve(&url, port).await;
    }
    sqlite::serve(&url, port).await
}
