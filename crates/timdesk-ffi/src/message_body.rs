//! `timdesk_message_body`: a message body built element by element, so that no C program
//! pastes user text into JSON. The builder of each declared element is generated
//! (`elements_generated.rs`, from `models/library/elements.json`); here, the body itself and
//! the builder of any element from its JSON form.

use std::ffi::c_char;

use timdesk::api::MsgElement;

use crate::boundary::{self, Failure, json, put_handle};
use crate::error::*;

/// A MsgBody under construction: add elements, then point `timdesk_message.body` at it.
/// Not shared between threads while being built; free with timdesk_message_body_free.
pub struct timdesk_message_body {
    pub(crate) elements: Vec<MsgElement>,
}

/// The elements of a body argument; NULL is refused, naming `name`.
pub(crate) fn elements(
    body: *const timdesk_message_body,
    name: &str,
) -> Result<Vec<MsgElement>, Failure> {
    // SAFETY: the caller passes NULL (refused) or a live body no thread changes meanwhile.
    unsafe { body.as_ref() }
        .map(|b| b.elements.clone())
        .ok_or_else(|| Failure::invalid(name, "is NULL"))
}

fn body_mut<'a>(body: *mut timdesk_message_body) -> Result<&'a mut timdesk_message_body, Failure> {
    // SAFETY: the caller passes NULL (refused) or a live body it does not share.
    unsafe { body.as_mut() }.ok_or_else(|| Failure::invalid("body", "is NULL"))
}

/// Adds `element` to `body` once every argument was read (the generated builders in
/// `elements_generated.rs` and `timdesk_message_body_add_json`).
pub(crate) fn push(
    err: *mut *mut timdesk_error,
    body: *mut timdesk_message_body,
    element: impl FnOnce() -> Result<MsgElement, Failure>,
) -> timdesk_status {
    boundary::run(err, || {
        let body = body_mut(body)?;
        body.elements.push(element()?);
        Ok(())
    })
}

/// An empty message body in `*out_body`.
///
/// # Safety
/// `out_body` and `err` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_message_body_new(
    out_body: *mut *mut timdesk_message_body,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    boundary::run(err, || {
        put_handle(
            out_body,
            timdesk_message_body {
                elements: Vec::new(),
            },
        );
        Ok(())
    })
}

/// Frees a body. NULL is a no-op.
///
/// # Safety
/// `body` must be NULL or a body from this library not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_message_body_free(body: *mut timdesk_message_body) {
    // SAFETY: the caller passes NULL or a handle from this library not freed before.
    unsafe { boundary::free_handle(body) }
}

/// How many elements `body` holds (0 for NULL).
///
/// # Safety
/// `body` must be NULL or a live body.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_message_body_len(body: *const timdesk_message_body) -> usize {
    // SAFETY: the caller passes NULL or a live body.
    boundary::quiet(0, || {
        unsafe { body.as_ref() }.map_or(0, |b| b.elements.len())
    })
}

/// Adds any element from its JSON form, `{"MsgType": ..., "MsgContent": {...}}` (an image,
/// or a MsgType this library does not declare). A declared MsgType's content is checked
/// against the declaration: a missing required field is refused, naming it.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_message_body_add_json(
    body: *mut timdesk_message_body,
    element_json: *const c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    push(err, body, || {
        Ok(MsgElement::from_json(json(element_json, "element_json")?)?)
    })
}
