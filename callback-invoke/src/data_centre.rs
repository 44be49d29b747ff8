//! Zoho data centres and the Desk host of each.

use std::fmt;
use std::str::FromStr;

/// The Zoho data centre an organisation lives in, which fixes the Desk host
/// the Invoke API is called on (and Desk API URLs are built with).
///
/// The first five are the hosts the platform documentation names
/// (`desk.zoho.com`, `.eu`, `.in`, `.com.au`, `.jp`); the others follow Zoho's
/// public list of data centres. For any other host, or a proxy, set
/// [`InvokeClientBuilder::base_url`](crate::InvokeClientBuilder::base_url).
///
/// ```
/// use callback_invoke::DataCentre;
///
/// assert_eq!(DataCentre::Eu.desk_url(), "https://desk.zoho.eu");
/// assert_eq!("com.au".parse::<DataCentre>()?, DataCentre::ComAu);
/// # Ok::<(), callback_invoke::UnknownDataCentre>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DataCentre {
    /// United States: `desk.zoho.com` (the default).
    #[default]
    Com,
    /// Europe: `desk.zoho.eu`.
    Eu,
    /// India: `desk.zoho.in`.
    In,
    /// Australia: `desk.zoho.com.au`.
    ComAu,
    /// Japan: `desk.zoho.jp`.
    Jp,
    /// Canada: `desk.zohocloud.ca`.
    Ca,
    /// Saudi Arabia: `desk.zoho.sa`.
    Sa,
    /// China: `desk.zoho.com.cn`.
    ComCn,
}

impl DataCentre {
    /// Every data centre, in declaration order.
    pub const ALL: [DataCentre; 8] = [
        DataCentre::Com,
        DataCentre::Eu,
        DataCentre::In,
        DataCentre::ComAu,
        DataCentre::Jp,
        DataCentre::Ca,
        DataCentre::Sa,
        DataCentre::ComCn,
    ];

    /// The Desk host, for example `desk.zoho.eu`.
    pub const fn desk_host(self) -> &'static str {
        match self {
            DataCentre::Com => "desk.zoho.com",
            DataCentre::Eu => "desk.zoho.eu",
            DataCentre::In => "desk.zoho.in",
            DataCentre::ComAu => "desk.zoho.com.au",
            DataCentre::Jp => "desk.zoho.jp",
            DataCentre::Ca => "desk.zohocloud.ca",
            DataCentre::Sa => "desk.zoho.sa",
            DataCentre::ComCn => "desk.zoho.com.cn",
        }
    }

    /// `https://` and the Desk host, without a trailing slash.
    pub fn desk_url(self) -> String {
        format!("https://{}", self.desk_host())
    }

    /// The short name [`FromStr`] reads: `com`, `eu`, `in`, `com.au`, `jp`,
    /// `ca`, `sa`, `com.cn`.
    pub const fn name(self) -> &'static str {
        match self {
            DataCentre::Com => "com",
            DataCentre::Eu => "eu",
            DataCentre::In => "in",
            DataCentre::ComAu => "com.au",
            DataCentre::Jp => "jp",
            DataCentre::Ca => "ca",
            DataCentre::Sa => "sa",
            DataCentre::ComCn => "com.cn",
        }
    }
}

impl fmt::Display for DataCentre {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Reads a data centre from its short name ([`DataCentre::name`]) or its
/// Desk host, in any case; `us` and `au` are accepted as well.
impl FromStr for DataCentre {
    type Err = UnknownDataCentre;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        let alias = match lower.as_str() {
            "us" => Some(DataCentre::Com),
            "au" => Some(DataCentre::ComAu),
            "cn" => Some(DataCentre::ComCn),
            _ => None,
        };
        alias
            .or_else(|| {
                DataCentre::ALL
                    .into_iter()
                    .find(|dc| lower == dc.name() || lower == dc.desk_host())
            })
            .ok_or_else(|| UnknownDataCentre(s.to_owned()))
    }
}

/// A data centre name that [`DataCentre`]'s `FromStr` does not know.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown Zoho data centre {0:?}; expected one of com, eu, in, com.au, jp, ca, sa, com.cn (or set a base URL)"
)]
pub struct UnknownDataCentre(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_and_host_reads_back() {
        for dc in DataCentre::ALL {
            assert_eq!(dc.name().parse::<DataCentre>(), Ok(dc));
            assert_eq!(dc.desk_host().parse::<DataCentre>(), Ok(dc));
            assert_eq!(dc.to_string().to_uppercase().parse::<DataCentre>(), Ok(dc));
            assert_eq!(dc.desk_url(), format!("https://{}", dc.desk_host()));
        }
        assert_eq!("us".parse::<DataCentre>(), Ok(DataCentre::Com));
        assert_eq!(" au ".parse::<DataCentre>(), Ok(DataCentre::ComAu));
    }

    #[test]
    fn an_unknown_name_is_an_exact_error() {
        let err = "mars".parse::<DataCentre>().unwrap_err();
        assert_eq!(err, UnknownDataCentre("mars".to_owned()));
        assert_eq!(
            err.to_string(),
            "unknown Zoho data centre \"mars\"; expected one of com, eu, in, com.au, jp, ca, sa, com.cn (or set a base URL)"
        );
    }
}
