//! `timdesk_message_body`: a message body built element by element, so that no C program
//! pastes user text into JSON.

use std::ffi::c_char;

use timdesk::api::{Card, MsgElement};

use crate::boundary::{self, Failure, json, optional_string, put_handle, string};
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

/// Adds `element` to `body` once every argument was read.
fn push(
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

/// Adds a TIMTextElem.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_message_body_add_text(
    body: *mut timdesk_message_body,
    text: *const c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    push(err, body, || Ok(MsgElement::text(string(text, "text")?)))
}

/// Adds a TIMCustomElem carrying `data` (often serialized JSON); `desc`, `ext` and
/// `sound` may be NULL.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_message_body_add_custom(
    body: *mut timdesk_message_body,
    data: *const c_char,
    desc: *const c_char,
    ext: *const c_char,
    sound: *const c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    push(err, body, || {
        let owned = |ptr, name| optional_string(ptr, name).map(|s| s.map(str::to_owned));
        Ok(MsgElement::Custom {
            data: string(data, "data")?.to_owned(),
            desc: owned(desc, "desc")?,
            ext: owned(ext, "ext")?,
            sound: owned(sound, "sound")?,
        })
    })
}

/// Adds the desk's card message: title, description, picture URL and link URL.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_message_body_add_card(
    body: *mut timdesk_message_body,
    header: *const c_char,
    desc: *const c_char,
    pic: *const c_char,
    url: *const c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    push(err, body, || {
        Ok(MsgElement::card(&Card {
            header: string(header, "header")?.to_owned(),
            desc: string(desc, "desc")?.to_owned(),
            pic: string(pic, "pic")?.to_owned(),
            url: string(url, "url")?.to_owned(),
        }))
    })
}

/// Adds a TIMFaceElem (emoji `index`; `data` may be NULL).
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_message_body_add_face(
    body: *mut timdesk_message_body,
    index: i64,
    data: *const c_char,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    push(err, body, || {
        Ok(MsgElement::Face {
            index,
            data: optional_string(data, "data")?.map(str::to_owned),
        })
    })
}

/// Adds a TIMLocationElem.
///
/// # Safety
/// Pointers must be NULL or valid as described in timdesk.h's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn timdesk_message_body_add_location(
    body: *mut timdesk_message_body,
    desc: *const c_char,
    latitude: f64,
    longitude: f64,
    err: *mut *mut timdesk_error,
) -> timdesk_status {
    push(err, body, || {
        if !(latitude.is_finite() && longitude.is_finite()) {
            return Err(Failure::invalid("latitude", "must be a finite number"));
        }
        Ok(MsgElement::Location {
            desc: string(desc, "desc")?.to_owned(),
            latitude,
            longitude,
        })
    })
}

/// Adds any other element from its JSON form, `{"MsgType": ..., "MsgContent": {...}}`
/// (images, sounds, files, videos).
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
