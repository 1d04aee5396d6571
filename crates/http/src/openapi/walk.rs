//! Visiting every schema object of the document, wherever it sits: component schemas,
//! parameters, request and response bodies, headers.

use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Object, Schema};
use utoipa::openapi::{Content, OpenApi as Doc, RefOr};

/// Calls `f` on every object schema of `schema` and of the schemas inside it.
pub fn visit(schema: &mut RefOr<Schema>, f: &mut impl FnMut(&mut Object)) {
    if let RefOr::T(schema) = schema {
        visit_schema(schema, f);
    }
}

fn visit_schema(schema: &mut Schema, f: &mut impl FnMut(&mut Object)) {
    match schema {
        Schema::Object(object) => {
            f(object);
            object.properties.values_mut().for_each(|p| visit(p, f));
            if let Some(AdditionalProperties::RefOr(extra)) =
                object.additional_properties.as_deref_mut()
            {
                visit(extra, f);
            }
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                visit(items, f);
            }
            array
                .prefix_items
                .iter_mut()
                .for_each(|s| visit_schema(s, f));
        }
        Schema::OneOf(one) => one.items.iter_mut().for_each(|s| visit(s, f)),
        Schema::AllOf(all) => all.items.iter_mut().for_each(|s| visit(s, f)),
        Schema::AnyOf(any) => any.items.iter_mut().for_each(|s| visit(s, f)),
        _ => {}
    }
}

fn visit_content(content: &mut RefOr<Content>, f: &mut impl FnMut(&mut Object)) {
    if let RefOr::T(content) = content {
        content.schema.iter_mut().for_each(|s| visit(s, f));
        content.item_schema.iter_mut().for_each(|s| visit(s, f));
    }
}

/// Calls `f` on every object schema in the document.
pub fn visit_all(doc: &mut Doc, f: &mut impl FnMut(&mut Object)) {
    if let Some(components) = doc.components.as_mut() {
        components.schemas.values_mut().for_each(|s| visit(s, f));
        for response in components.responses.values_mut() {
            if let RefOr::T(response) = response {
                for header in response.headers.values_mut() {
                    if let RefOr::T(header) = header {
                        header.schema.iter_mut().for_each(|s| visit(s, f));
                    }
                }
                response
                    .content
                    .values_mut()
                    .for_each(|c| visit_content(c, f));
            }
        }
    }
    for item in doc.paths.paths.values_mut() {
        for operation in super::operations(item) {
            for parameter in operation.parameters.iter_mut().flatten() {
                if let RefOr::T(parameter) = parameter {
                    parameter.schema.iter_mut().for_each(|s| visit(s, f));
                    parameter
                        .content
                        .values_mut()
                        .for_each(|c| visit_content(c, f));
                }
            }
            if let Some(RefOr::T(body)) = operation.request_body.as_mut() {
                body.content.values_mut().for_each(|c| visit_content(c, f));
            }
            for response in operation.responses.responses.values_mut() {
                if let RefOr::T(response) = response {
                    response
                        .content
                        .values_mut()
                        .for_each(|c| visit_content(c, f));
                    for header in response.headers.values_mut() {
                        if let RefOr::T(header) = header {
                            header.schema.iter_mut().for_each(|s| visit(s, f));
                        }
                    }
                }
            }
        }
    }
}
