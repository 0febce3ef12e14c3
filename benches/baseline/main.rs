//! The hand-written baseline of the load harness (`cargo bench --bench load`): the blog's
//! article documents served by plain actix-web 4 + Diesel 2 + serde, as a careful engineer
//! would write them without restless. Typed queries, one read transaction per request, the
//! linkage of a page in one statement per relationship, typed `Serialize` documents.
//!
//! Routes: `GET /api/article/{id}` (S1), `GET /api/article` with `page[size]` (S2, S5) and
//! with `include=author,comments` (S3), and `POST /api/comment` (S6).
//! `DATABASE_URL` names the database (a SQLite file, or `postgres://...` with the `postgres`
//! feature), `PORT` the port.

#![allow(missing_docs, unreachable_pub, reason = "a benchmark server")]

#[path = "../../examples/blog/schema.rs"]
mod schema;

use std::collections::HashMap;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use schema::{article, article_tag, comment, person};

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

/// A person row: id, name, age, birthday, created_at.
type PersonRow = (
    i32,
    String,
    Option<i32>,
    Option<chrono::NaiveDate>,
    Option<chrono::NaiveDateTime>,
);

/// A comment row: id, content, article_id, author_id.
type CommentRow = (i32, String, Option<i32>, Option<i32>);

#[derive(Serialize)]
struct PersonAttributes {
    name: String,
    age: Option<i32>,
    birthday: Option<String>,
    created_at: Option<String>,
}

#[derive(Serialize)]
struct PersonRelationships {
    articles: ToMany,
    comments: ToMany,
}

#[derive(Serialize)]
struct CommentAttributes {
    content: String,
}

#[derive(Serialize)]
struct CommentRelationships {
    article: ToOne,
    author: ToOne,
}

/// A resource object of any of the three types.
#[derive(Serialize)]
struct Object<A, R> {
    #[serde(rename = "type")]
    type_name: &'static str,
    id: String,
    attributes: A,
    relationships: R,
    links: SelfLink,
}

/// An included resource.
#[derive(Serialize)]
#[serde(untagged)]
enum IncludedObject {
    Comment(Object<CommentAttributes, CommentRelationships>),
    Person(Object<PersonAttributes, PersonRelationships>),
}

#[derive(Serialize)]
struct Compound {
    data: Vec<Resource>,
    links: PageLinks,
    meta: Total,
    included: Vec<IncludedObject>,
    jsonapi: JsonApi,
}

#[derive(Serialize)]
struct Created {
    data: Object<CommentAttributes, CommentRelationships>,
    jsonapi: JsonApi,
}

/// `{"data": {"type": ..., "id": ...}}` in a request.
#[derive(Deserialize)]
struct LinkageIn {
    data: Option<IdentifierIn>,
}

#[derive(Deserialize)]
struct IdentifierIn {
    #[serde(rename = "type")]
    type_name: String,
    id: String,
}

#[derive(Deserialize)]
struct NewCommentRelationships {
    article: Option<LinkageIn>,
    author: Option<LinkageIn>,
}

#[derive(Deserialize)]
struct NewCommentAttributes {
    content: String,
}

#[derive(Deserialize)]
struct NewComment {
    #[serde(rename = "type")]
    type_name: String,
    attributes: NewCommentAttributes,
    relationships: Option<NewCommentRelationships>,
}

#[derive(Deserialize)]
struct NewCommentDocument {
    data: NewComment,
}

fn timestamp(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.f").to_string()
}

/// The links of relationship `name` of the resource at `url`.
fn rel_links(url: &str, name: &str) -> RelLinks {
    RelLinks {
        self_: format!("{url}/relationships/{name}"),
        related: format!("{url}/{name}"),
    }
}

fn identifiers(type_name: &'static str, keys: &[i32]) -> Vec<Identifier> {
    keys.iter()
        .map(|k| Identifier {
            type_name,
            id: k.to_string(),
        })
        .collect()
}

fn to_one(url: &str, name: &str, type_name: &'static str, key: Option<i32>) -> ToOne {
    ToOne {
        links: rel_links(url, name),
        data: key.map(|k| Identifier {
            type_name,
            id: k.to_string(),
        }),
    }
}

/// A person's resource object, its linkage given.
fn person_object(base: &str, row: PersonRow, articles: &[i32], comments: &[i32]) -> IncludedObject {
    let (id, name, age, birthday, created_at) = row;
    let url = format!("{base}/person/{id}");
    IncludedObject::Person(Object {
        type_name: "person",
        id: id.to_string(),
        attributes: PersonAttributes {
            name,
            age,
            birthday: birthday.map(|d| d.format("%Y-%m-%d").to_string()),
            created_at: created_at.map(timestamp),
        },
        relationships: PersonRelationships {
            articles: ToMany {
                links: rel_links(&url, "articles"),
                data: identifiers("article", articles),
            },
            comments: ToMany {
                links: rel_links(&url, "comments"),
                data: identifiers("comment", comments),
            },
        },
        links: SelfLink { self_: url },
    })
}

/// A comment's resource object.
fn comment_object(base: &str, row: CommentRow) -> Object<CommentAttributes, CommentRelationships> {
    let (id, content, article, author) = row;
    let url = format!("{base}/comment/{id}");
    Object {
        type_name: "comment",
        id: id.to_string(),
        attributes: CommentAttributes { content },
        relationships: CommentRelationships {
            article: to_one(&url, "article", "article", article),
            author: to_one(&url, "author", "person", author),
        },
        links: SelfLink { self_: url },
    }
}

/// `(owner, member)` rows grouped by owner, members in row order; rows without an owner left
/// out.
fn grouped(rows: impl IntoIterator<Item = (Option<i32>, i32)>) -> HashMap<i32, Vec<i32>> {
    let mut map: HashMap<i32, Vec<i32>> = HashMap::new();
    for (owner, member) in rows {
        if let Some(owner) = owner {
            map.entry(owner).or_default().push(member);
        }
    }
    map
}

/// A JSON:API error document with one error.
fn error(status: actix_web::http::StatusCode, detail: &str) -> HttpResponse {
    let body = serde_json::json!({
        "errors": [{"status": status.as_str(), "detail": detail}],
        "jsonapi": {"version": "1.0"}
    });
    HttpResponse::build(status)
        .content_type("application/vnd.api+json")
        .insert_header(("Vary", "Accept"))
        .body(body.to_string())
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
            published_at: published_at.map(timestamp),
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

/// The page size of `page[size]`, 10 by default, at most 100, and whether
/// `include=author,comments` was asked for.
fn page_query(req: &HttpRequest) -> (i64, bool) {
    let query = web::Query::<HashMap<String, String>>::from_query(req.query_string()).ok();
    let size = query
        .as_ref()
        .and_then(|q| q.get("page[size]").and_then(|v| v.parse().ok()))
        .unwrap_or(10)
        .clamp(1, 100);
    let include = query
        .as_ref()
        .and_then(|q| q.get("include"))
        .is_some_and(|v| v == "author,comments");
    (size, include)
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
    ($module:ident, $conn:ty, $write_transaction:path, $customizer:expr) => {
        mod $module {
            use super::*;

            pub type Pool = diesel::r2d2::Pool<diesel::r2d2::ConnectionManager<$conn>>;

            /// Linkage of `ids`: (article id, member id) rows, grouped.
            fn linkage(
                conn: &mut $conn,
                ids: &[i32],
            ) -> QueryResult<(HashMap<i32, Vec<i32>>, HashMap<i32, Vec<i32>>)> {
                let comments: Vec<(Option<i32>, i32)> = comment::table
                    .filter(comment::article_id.eq_any(ids))
                    .select((comment::article_id, comment::id))
                    .order((comment::article_id, comment::id))
                    .load(conn)?;
                let tags: Vec<(i32, i32)> = article_tag::table
                    .filter(article_tag::article_id.eq_any(ids))
                    .select((article_tag::article_id, article_tag::tag_id))
                    .order((article_tag::article_id, article_tag::tag_id))
                    .load(conn)?;
                Ok((
                    grouped(comments),
                    grouped(tags.into_iter().map(|(a, t)| (Some(a), t))),
                ))
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
                    .connection_customizer(Box::new($customizer))
                    .build(diesel::r2d2::ConnectionManager::new(url))
                    .map_err(std::io::Error::other)?;
                let data = web::Data::new(pool);
                HttpServer::new(move || {
                    App::new()
                        .app_data(data.clone())
                        .route("/api/article", web::get().to(page))
                        .route("/api/article/{id}", web::get().to(single))
                        .route("/api/comment", web::post().to(create))
                })
                .bind(("127.0.0.1", port))?
                .run()
                .await
            }

            /// S2, S3 and S5: the first page of articles, with their authors and comments
            /// when asked.
            pub async fn page(req: HttpRequest, pool: web::Data<Pool>) -> HttpResponse {
                let base = base(&req);
                let (size, include) = page_query(&req);
                let query = req
                    .query_string()
                    .replace('[', "%5B")
                    .replace(']', "%5D");
                let self_url = match query.as_str() {
                    "" => format!("{base}/article"),
                    q => format!("{base}/article?{q}"),
                };
                let kept = if include { "include=author,comments&" } else { "" };
                let pool = pool.into_inner();
                let body = web::block(move || -> Result<Option<String>, String> {
                    let mut conn = pool.get().map_err(|e| e.to_string())?;
                    let (total, rows, comments, tags, included) = conn
                        .transaction(|conn| {
                            let total: i64 = article::table.count().get_result(conn)?;
                            let rows: Vec<ArticleRow> = article::table
                                .select(COLUMNS)
                                .order(article::id)
                                .limit(size)
                                .load(conn)?;
                            let ids: Vec<i32> = rows.iter().map(|r| r.0).collect();
                            let (comments, tags) = linkage(conn, &ids)?;
                            let included = if include {
                                let authors: Vec<i32> = rows.iter().filter_map(|r| r.5).collect();
                                let members: Vec<i32> =
                                    comments.values().flatten().copied().collect();
                                Some(included(conn, &authors, &members)?)
                            } else {
                                None
                            };
                            Ok::<_, diesel::result::Error>((total, rows, comments, tags, included))
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
                        format!(
                            "{base}/article?{kept}page%5Bnumber%5D={n}&page%5Bsize%5D={size}"
                        )
                    };
                    let links = PageLinks {
                        self_: self_url,
                        first: page(1),
                        last: page(last),
                        prev: None,
                        next: (last > 1).then(|| page(2)),
                    };
                    let text = match included {
                        None => serde_json::to_string(&Many {
                            data,
                            links,
                            meta: Total { total },
                            jsonapi: JsonApi { version: "1.0" },
                        }),
                        Some((comment_rows, people, articles_of, comments_of)) => {
                            // By type name, then key.
                            let mut included: Vec<IncludedObject> = comment_rows
                                .into_iter()
                                .map(|row| IncludedObject::Comment(comment_object(&base, row)))
                                .collect();
                            included.extend(people.into_iter().map(|row| {
                                let id = row.0;
                                person_object(
                                    &base,
                                    row,
                                    articles_of.get(&id).map_or(&[], Vec::as_slice),
                                    comments_of.get(&id).map_or(&[], Vec::as_slice),
                                )
                            }));
                            serde_json::to_string(&Compound {
                                data,
                                links,
                                meta: Total { total },
                                included,
                                jsonapi: JsonApi { version: "1.0" },
                            })
                        }
                    };
                    text.map(Some).map_err(|e| e.to_string())
                })
                .await;
                respond(body.unwrap_or_else(|e| Err(e.to_string())))
            }

            /// The included authors (with their own linkage) and comments of a page.
            #[allow(clippy::type_complexity, reason = "the four parts of `included`")]
            fn included(
                conn: &mut $conn,
                authors: &[i32],
                comments: &[i32],
            ) -> QueryResult<(
                Vec<CommentRow>,
                Vec<PersonRow>,
                HashMap<i32, Vec<i32>>,
                HashMap<i32, Vec<i32>>,
            )> {
                let people: Vec<PersonRow> = person::table
                    .filter(person::id.eq_any(authors))
                    .select((
                        person::id,
                        person::name,
                        person::age,
                        person::birthday,
                        person::created_at,
                    ))
                    .order(person::id)
                    .load(conn)?;
                let ids: Vec<i32> = people.iter().map(|p| p.0).collect();
                let articles: Vec<(Option<i32>, i32)> = article::table
                    .filter(article::author_id.eq_any(&ids))
                    .select((article::author_id, article::id))
                    .order((article::author_id, article::id))
                    .load(conn)?;
                let comments_by: Vec<(Option<i32>, i32)> = comment::table
                    .filter(comment::author_id.eq_any(&ids))
                    .select((comment::author_id, comment::id))
                    .order((comment::author_id, comment::id))
                    .load(conn)?;
                let (articles_of, comments_of) = (grouped(articles), grouped(comments_by));
                let comment_rows: Vec<CommentRow> = comment::table
                    .filter(comment::id.eq_any(comments))
                    .select((
                        comment::id,
                        comment::content,
                        comment::article_id,
                        comment::author_id,
                    ))
                    .order(comment::id)
                    .load(conn)?;
                Ok((comment_rows, people, articles_of, comments_of))
            }

            /// S6: a new comment. The database checks that its article and author exist.
            pub async fn create(
                req: HttpRequest,
                pool: web::Data<Pool>,
                body: web::Bytes,
            ) -> HttpResponse {
                use actix_web::http::StatusCode;
                let Ok(doc) = serde_json::from_slice::<NewCommentDocument>(&body) else {
                    return error(StatusCode::BAD_REQUEST, "The body is no comment document.");
                };
                let new = doc.data;
                if new.type_name != "comment" {
                    return error(StatusCode::CONFLICT, "The type is not comment.");
                }
                let key = |linkage: Option<LinkageIn>, type_name: &str| match linkage
                    .and_then(|l| l.data)
                {
                    None => Ok(None),
                    Some(i) if i.type_name == type_name => i.id.parse::<i32>().map(Some).ok().ok_or(()),
                    Some(_) => Err(()),
                };
                let rels = new.relationships;
                let (article, author) = match rels {
                    None => (Ok(None), Ok(None)),
                    Some(r) => (key(r.article, "article"), key(r.author, "person")),
                };
                let (Ok(article), Ok(author)) = (article, author) else {
                    return error(StatusCode::NOT_FOUND, "A related resource does not exist.");
                };
                let base = base(&req);
                let pool = pool.into_inner();
                let content = new.attributes.content;
                let created = web::block(move || {
                    let mut conn = pool.get().map_err(|e| e.to_string())?;
                    let row = $write_transaction(&mut conn, |conn| {
                        diesel::insert_into(comment::table)
                            .values((
                                comment::content.eq(content),
                                comment::article_id.eq(article),
                                comment::author_id.eq(author),
                            ))
                            .returning((
                                comment::id,
                                comment::content,
                                comment::article_id,
                                comment::author_id,
                            ))
                            .get_result::<CommentRow>(conn)
                    });
                    drop(conn);
                    match row {
                        Ok(row) => {
                            let object = comment_object(&base, row);
                            let location = object.links.self_.clone();
                            let doc = Created {
                                data: object,
                                jsonapi: JsonApi { version: "1.0" },
                            };
                            let text = serde_json::to_string(&doc).map_err(|e| e.to_string())?;
                            Ok(Ok((location, text)))
                        }
                        Err(diesel::result::Error::DatabaseError(
                            diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                            _,
                        )) => Ok(Err(())),
                        Err(e) => Err(e.to_string()),
                    }
                })
                .await
                .map_err(|e| e.to_string())
                .and_then(|r| r);
                match created {
                    Ok(Ok((location, text))) => HttpResponse::Created()
                        .content_type("application/vnd.api+json")
                        .insert_header(("Location", location))
                        .insert_header(("Vary", "Accept"))
                        .body(text),
                    Ok(Err(())) => error(StatusCode::NOT_FOUND, "A related resource does not exist."),
                    Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e),
                }
            }
        }
    };
}

/// SQLite: take the write lock at BEGIN (the busy timeout waits for it) and check foreign keys.
fn sqlite_write<T>(
    conn: &mut diesel::SqliteConnection,
    f: impl FnOnce(&mut diesel::SqliteConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    conn.immediate_transaction(f)
}

#[cfg(feature = "postgres")]
fn pg_write<T>(
    conn: &mut diesel::PgConnection,
    f: impl FnOnce(&mut diesel::PgConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    conn.transaction(f)
}

/// SQLite connections check foreign keys and wait for the write lock, as the blog's do.
#[derive(Debug)]
struct SqlitePragmas;

impl diesel::r2d2::CustomizeConnection<diesel::SqliteConnection, diesel::r2d2::Error>
    for SqlitePragmas
{
    fn on_acquire(&self, conn: &mut diesel::SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        use diesel::connection::SimpleConnection as _;
        conn.batch_execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

handlers!(
    sqlite,
    diesel::SqliteConnection,
    sqlite_write,
    SqlitePragmas
);
#[cfg(feature = "postgres")]
handlers!(
    pg,
    diesel::PgConnection,
    pg_write,
    diesel::r2d2::NopConnectionCustomizer
);

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
