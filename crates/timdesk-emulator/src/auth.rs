//! The query-string checks every `/v4` request goes through, with the server's codes.

use timdesk::usersig::{Signer, UserSigError};

use crate::answer::ApiError;
use crate::app::AppConfig;
use crate::endpoints::Endpoint;

/// Checks sdkappid, random, contenttype, identifier and usersig, in that order:
///
/// | check | code |
/// |---|---|
/// | sdkappid missing | 60012 |
/// | sdkappid not a number, random not an unsigned decimal integer, contenttype not `json` | 60002 |
/// | sdkappid not this app's | 70020 |
/// | identifier or usersig missing | 60004 |
/// | usersig: not decodable 70003, another sdkappid 70014, another identifier 70013, wrong key 70009, expired 70001 | |
/// | identifier not the administrator | the endpoint's admin code (90009, 50003, else 60010) |
pub(crate) fn check(
    query: &str,
    app: &AppConfig,
    signer: &Signer,
    endpoint: Option<Endpoint>,
) -> Result<(), ApiError> {
    let mut sdkappid = None;
    let mut identifier = None;
    let mut usersig = None;
    let mut random = None;
    let mut contenttype = None;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let slot = match key.as_ref() {
            "sdkappid" => &mut sdkappid,
            "identifier" => &mut identifier,
            "usersig" => &mut usersig,
            "random" => &mut random,
            "contenttype" => &mut contenttype,
            _ => continue,
        };
        *slot = Some(value.into_owned());
    }
    let sdkappid =
        sdkappid.ok_or_else(|| ApiError::new(60012, "the request URL needs sdkappid"))?;
    let sdkappid: u64 = sdkappid
        .parse()
        .map_err(|_| ApiError::new(60002, format!("sdkappid {sdkappid:?} is not a number")))?;
    // The docs ask for a u32, but widely used SDKs send nanosecond timestamps and the
    // server takes them: any unsigned decimal integer is accepted.
    if !random
        .as_deref()
        .is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(ApiError::new(
            60002,
            "random must be an unsigned decimal integer",
        ));
    }
    if contenttype.as_deref() != Some("json") {
        return Err(ApiError::new(60002, "contenttype must be json"));
    }
    if sdkappid != app.sdkappid {
        return Err(ApiError::new(
            70020,
            format!("SDKAppID {sdkappid} does not exist"),
        ));
    }
    let identifier =
        identifier.ok_or_else(|| ApiError::new(60004, "the request URL needs identifier"))?;
    let usersig = usersig.ok_or_else(|| ApiError::new(60004, "the request URL needs usersig"))?;
    signer.verify(&usersig, &identifier).map_err(|e| {
        let code = match e {
            UserSigError::Expired { .. } => 70001,
            UserSigError::SdkAppIdMismatch { .. } => 70014,
            UserSigError::IdentifierMismatch { .. } => 70013,
            UserSigError::BadSignature => 70009,
            _ => 70003,
        };
        ApiError::new(code, e.to_string())
    })?;
    if identifier != app.admin {
        let code = endpoint.map_or(60010, Endpoint::admin_required_code);
        return Err(ApiError::new(
            code,
            format!("{identifier:?} is not the app administrator"),
        ));
    }
    Ok(())
}
