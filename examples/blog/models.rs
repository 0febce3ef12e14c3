//! The blog's models: plain Diesel structs with `#[derive(JsonApiResource)]`.
//!
//! restless reads and writes the columns through the metadata the derive generates, so the
//! example itself never reads the fields; the structs stay ordinary Diesel models.
#![allow(
    dead_code,
    reason = "the fields are read by Diesel and described to restless, not by this example"
)]

use chrono::{NaiveDate, NaiveDateTime};
use diesel::{Queryable, Selectable};
use restless::JsonApiResource;

use crate::schema::{article, article_tag, comment, person, tag};

/// A person, served as type `person`.
#[derive(Debug, Queryable, Selectable, JsonApiResource)]
#[diesel(table_name = person)]
#[jsonapi(to_many(name = "articles", target = Article, foreign_key = article::author_id))]
#[jsonapi(to_many(name = "comments", target = Comment, foreign_key = comment::author_id))]
pub(crate) struct Person {
    /// The key.
    pub(crate) id: i32,
    /// Unique name.
    pub(crate) name: String,
    /// Age in years.
    pub(crate) age: Option<i32>,
    /// Date of birth.
    pub(crate) birthday: Option<NaiveDate>,
    /// When the row was created (UTC).
    pub(crate) created_at: Option<NaiveDateTime>,
}

/// An article, served as type `article`.
#[derive(Debug, Queryable, Selectable, JsonApiResource)]
#[diesel(table_name = article)]
#[jsonapi(to_many(name = "comments", target = Comment, foreign_key = comment::article_id))]
#[jsonapi(to_many(
    name = "tags",
    target = Tag,
    local = article_tag::article_id,
    remote = article_tag::tag_id
))]
pub(crate) struct Article {
    /// The key.
    pub(crate) id: i32,
    /// Title.
    pub(crate) title: String,
    /// Text.
    pub(crate) body: Option<String>,
    /// Average rating.
    pub(crate) rating: Option<f64>,
    /// Publication time (UTC).
    pub(crate) published_at: Option<NaiveDateTime>,
    /// The author: relationship `author`, never an attribute.
    #[jsonapi(to_one = "author", target = Person)]
    pub(crate) author_id: Option<i32>,
}

/// A comment, served as type `comment`.
#[derive(Debug, Queryable, Selectable, JsonApiResource)]
#[diesel(table_name = comment)]
pub(crate) struct Comment {
    /// The key.
    pub(crate) id: i32,
    /// Text.
    pub(crate) content: String,
    /// The article commented on: relationship `article`.
    #[jsonapi(to_one = "article", target = Article)]
    pub(crate) article_id: Option<i32>,
    /// The commenter: relationship `author`.
    #[jsonapi(to_one = "author", target = Person)]
    pub(crate) author_id: Option<i32>,
}

/// A tag, served as type `tag`.
#[derive(Debug, Queryable, Selectable, JsonApiResource)]
#[diesel(table_name = tag)]
#[jsonapi(to_many(
    name = "articles",
    target = Article,
    local = article_tag::tag_id,
    remote = article_tag::article_id
))]
pub(crate) struct Tag {
    /// The key.
    pub(crate) id: i32,
    /// Unique name.
    pub(crate) name: String,
}
