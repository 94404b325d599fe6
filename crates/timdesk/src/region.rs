//! Where requests go: one of the eight region hosts (each with its documented backup
//! host), or an explicit base URL.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// A data-center region of Tencent Cloud Chat, each with its REST API host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// China: console.tim.qq.com
    China,
    /// Singapore: adminapisgp.im.qcloud.com
    Singapore,
    /// Seoul: adminapikr.im.qcloud.com
    Seoul,
    /// Tokyo: adminapijpn.im.qcloud.com
    Tokyo,
    /// Frankfurt: adminapiger.im.qcloud.com
    Frankfurt,
    /// Silicon Valley: adminapiusa.im.qcloud.com
    SiliconValley,
    /// Jakarta: adminapiidn.im.qcloud.com
    Jakarta,
    /// Mumbai: adminapiind.im.qcloud.com
    Mumbai,
}

impl Region {
    /// Every region.
    pub const ALL: [Region; 8] = [
        Self::China,
        Self::Singapore,
        Self::Seoul,
        Self::Tokyo,
        Self::Frankfurt,
        Self::SiliconValley,
        Self::Jakarta,
        Self::Mumbai,
    ];

    /// The REST API host.
    pub fn host(self) -> &'static str {
        match self {
            Self::China => "console.tim.qq.com",
            Self::Singapore => "adminapisgp.im.qcloud.com",
            Self::Seoul => "adminapikr.im.qcloud.com",
            Self::Tokyo => "adminapijpn.im.qcloud.com",
            Self::Frankfurt => "adminapiger.im.qcloud.com",
            Self::SiliconValley => "adminapiusa.im.qcloud.com",
            Self::Jakarta => "adminapiidn.im.qcloud.com",
            Self::Mumbai => "adminapiind.im.qcloud.com",
        }
    }

    /// The documented backup host ("备域名"), for when the main host cannot be reached,
    /// e.g. its DNS is hijacked (REST API introduction, 269/1519 and 1047/34620).
    pub fn backup_host(self) -> &'static str {
        match self {
            Self::China => "adminapi.my-imcloud.com",
            Self::Singapore => "adminapisgp.my-imcloud.com",
            Self::Seoul => "adminapikr.my-imcloud.com",
            Self::Tokyo => "adminapijpn.my-imcloud.com",
            Self::Frankfurt => "adminapiger.my-imcloud.com",
            Self::SiliconValley => "adminapiusa.my-imcloud.com",
            Self::Jakarta => "adminapiidn.my-imcloud.com",
            Self::Mumbai => "adminapiind.my-imcloud.com",
        }
    }

    /// The name accepted by [`Region::from_str`] and TIMDESK_REGION, e.g. `singapore`.
    pub fn name(self) -> &'static str {
        match self {
            Self::China => "china",
            Self::Singapore => "singapore",
            Self::Seoul => "seoul",
            Self::Tokyo => "tokyo",
            Self::Frankfurt => "frankfurt",
            Self::SiliconValley => "silicon-valley",
            Self::Jakarta => "jakarta",
            Self::Mumbai => "mumbai",
        }
    }

    /// `https://{host}`.
    pub fn base_url(self) -> String {
        format!("https://{}", self.host())
    }

    /// `https://{backup host}`.
    pub fn backup_base_url(self) -> String {
        format!("https://{}", self.backup_host())
    }

    /// Every region's name, comma-separated, for messages and help texts.
    pub fn names() -> String {
        Self::ALL.map(Self::name).join(", ")
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Region {
    type Err = Error;

    /// Parses a region name, case-insensitively, with `-`, `_` or a space between words
    /// (`silicon-valley`, `SiliconValley`, `silicon_valley`), or a short code
    /// (`cn`, `sgp`, `kr`, `jpn`, `ger`, `usa`, `idn`, `ind`).
    fn from_str(s: &str) -> Result<Self, Error> {
        let key: String = s
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let region = match key.as_str() {
            "china" | "cn" => Self::China,
            "singapore" | "sgp" | "sg" => Self::Singapore,
            "seoul" | "kr" | "korea" => Self::Seoul,
            "tokyo" | "jpn" | "jp" | "japan" => Self::Tokyo,
            "frankfurt" | "ger" | "de" | "germany" => Self::Frankfurt,
            "siliconvalley" | "usa" | "us" => Self::SiliconValley,
            "jakarta" | "idn" | "id" | "indonesia" => Self::Jakarta,
            "mumbai" | "ind" | "in" | "india" => Self::Mumbai,
            _ => {
                return Err(Error::invalid_argument(
                    "region",
                    format!("{s:?} is not one of {}", Self::names()),
                ));
            }
        };
        Ok(region)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_round_trips_through_its_name_and_has_its_documented_host() {
        let hosts: Vec<&str> = Region::ALL.iter().map(|r| r.host()).collect();
        assert_eq!(
            hosts,
            [
                "console.tim.qq.com",
                "adminapisgp.im.qcloud.com",
                "adminapikr.im.qcloud.com",
                "adminapijpn.im.qcloud.com",
                "adminapiger.im.qcloud.com",
                "adminapiusa.im.qcloud.com",
                "adminapiidn.im.qcloud.com",
                "adminapiind.im.qcloud.com",
            ]
        );
        assert_eq!("tokyo".parse::<Region>().unwrap(), Region::Tokyo);
        assert_eq!("Mumbai".parse::<Region>().unwrap(), Region::Mumbai);
        assert_eq!(
            Region::Tokyo.backup_base_url(),
            "https://adminapijpn.my-imcloud.com"
        );
        assert_eq!(Region::China.backup_host(), "adminapi.my-imcloud.com");
        assert_eq!(
            Region::names(),
            "china, singapore, seoul, tokyo, frankfurt, silicon-valley, jakarta, mumbai"
        );
        for region in Region::ALL {
            assert_eq!(region.name().parse::<Region>().unwrap(), region);
            assert!(region.base_url().starts_with("https://"));
        }
        assert_eq!(
            "Silicon Valley".parse::<Region>().unwrap(),
            Region::SiliconValley
        );
        assert_eq!("SGP".parse::<Region>().unwrap(), Region::Singapore);
        let err = "mars".parse::<Region>().unwrap_err();
        assert!(err.to_string().contains("region") && err.to_string().contains("mars"));
    }
}
