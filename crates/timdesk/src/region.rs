//! Where requests go: one of the six region hosts, or an explicit base URL.

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
    /// Frankfurt: adminapiger.im.qcloud.com
    Frankfurt,
    /// Silicon Valley: adminapiusa.im.qcloud.com
    SiliconValley,
    /// Jakarta: adminapiidn.im.qcloud.com
    Jakarta,
}

impl Region {
    /// Every region.
    pub const ALL: [Region; 6] = [
        Self::China,
        Self::Singapore,
        Self::Seoul,
        Self::Frankfurt,
        Self::SiliconValley,
        Self::Jakarta,
    ];

    /// The REST API host.
    pub fn host(self) -> &'static str {
        match self {
            Self::China => "console.tim.qq.com",
            Self::Singapore => "adminapisgp.im.qcloud.com",
            Self::Seoul => "adminapikr.im.qcloud.com",
            Self::Frankfurt => "adminapiger.im.qcloud.com",
            Self::SiliconValley => "adminapiusa.im.qcloud.com",
            Self::Jakarta => "adminapiidn.im.qcloud.com",
        }
    }

    /// The name accepted by [`Region::from_str`] and TIMDESK_REGION, e.g. `singapore`.
    pub fn name(self) -> &'static str {
        match self {
            Self::China => "china",
            Self::Singapore => "singapore",
            Self::Seoul => "seoul",
            Self::Frankfurt => "frankfurt",
            Self::SiliconValley => "silicon-valley",
            Self::Jakarta => "jakarta",
        }
    }

    /// `https://{host}`.
    pub fn base_url(self) -> String {
        format!("https://{}", self.host())
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
    /// (`cn`, `sgp`, `kr`, `ger`, `usa`, `idn`).
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
            "frankfurt" | "ger" | "de" | "germany" => Self::Frankfurt,
            "siliconvalley" | "usa" | "us" => Self::SiliconValley,
            "jakarta" | "idn" | "id" | "indonesia" => Self::Jakarta,
            _ => {
                return Err(Error::invalid_argument(
                    "region",
                    format!(
                        "{s:?} is not one of china, singapore, seoul, frankfurt, silicon-valley, jakarta"
                    ),
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
                "adminapiger.im.qcloud.com",
                "adminapiusa.im.qcloud.com",
                "adminapiidn.im.qcloud.com",
            ]
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
