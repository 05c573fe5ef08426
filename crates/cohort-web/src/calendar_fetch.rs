//! Reading interviewers' calendars from their addresses over HTTP: the app's
//! [`CalendarFetcher`], which the server gives it at start-up.
//!
//! An address comes from a user, so reading it must not become a way into the server's own
//! network: every host is resolved here and refused when any of its addresses is local or
//! private (unless the operator allows it for an intranet calendar server), the connection goes
//! to the address that was checked (so a second lookup cannot point elsewhere), and redirects
//! are followed by hand, each checked the same way. A read ends after [`TIMEOUT`] and stops at
//! [`MAX_CALENDAR_BYTES`].

use cohort_app::interviews::calendars::MAX_CALENDAR_BYTES;
use cohort_app::interviews::subscriptions::{CalendarFetcher, FetchError};
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::time::Duration;
use tokio::time::{timeout_at, Instant};

/// How long a whole read may take, redirects included.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Redirects followed at most.
pub const MAX_REDIRECTS: usize = 5;

pub struct HttpCalendarFetcher {
    /// Read from local and private addresses too (an intranet calendar server; tests).
    pub allow_private: bool,
}

impl CalendarFetcher for HttpCalendarFetcher {
    fn fetch<'a>(
        &'a self,
        url: &'a url::Url,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<u8>, FetchError>> + Send + 'a>> {
        Box::pin(self.read(url.clone(), Instant::now() + TIMEOUT))
    }
}

impl HttpCalendarFetcher {
    async fn read(&self, mut url: url::Url, deadline: Instant) -> Result<Vec<u8>, FetchError> {
        let timed_out = || FetchError::TimedOut(TIMEOUT.as_secs());
        for _ in 0..=MAX_REDIRECTS {
            let address = self.checked_address(&url, deadline).await?;
            let host = url.host_str().unwrap_or_default().to_owned();
            // No proxy from the environment: a proxy would look the name up again and reach
            // whatever it resolves to then, past the check above.
            let client = reqwest::Client::builder()
                .no_proxy()
                .redirect(reqwest::redirect::Policy::none())
                .resolve(&host, address)
                .user_agent("Cohort calendar reader")
                .build()
                .map_err(|e| FetchError::Other(e.to_string()))?;
            let mut response = timeout_at(deadline, client.get(url.clone()).send())
                .await
                .map_err(|_| timed_out())?
                .map_err(|e| FetchError::Other(without_url(e)))?;
            let status = response.status();
            if status.is_redirection() {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .ok_or(FetchError::Status(status.as_u16()))?;
                url = url
                    .join(location)
                    .ok()
                    .filter(|next| matches!(next.scheme(), "http" | "https"))
                    .ok_or(FetchError::Status(status.as_u16()))?;
                continue;
            }
            if !status.is_success() {
                return Err(FetchError::Status(status.as_u16()));
            }
            if response
                .content_length()
                .is_some_and(|length| length > MAX_CALENDAR_BYTES as u64)
            {
                return Err(FetchError::TooLarge);
            }
            let mut body = Vec::new();
            while let Some(chunk) = timeout_at(deadline, response.chunk())
                .await
                .map_err(|_| timed_out())?
                .map_err(|e| FetchError::Other(without_url(e)))?
            {
                body.extend_from_slice(&chunk);
                if body.len() > MAX_CALENDAR_BYTES {
                    return Err(FetchError::TooLarge);
                }
            }
            return Ok(body);
        }
        Err(FetchError::TooManyRedirects(MAX_REDIRECTS))
    }

    /// The address to connect to for `url`, once every address its host has is checked.
    async fn checked_address(
        &self,
        url: &url::Url,
        deadline: Instant,
    ) -> Result<SocketAddr, FetchError> {
        let host = url.host_str().unwrap_or_default();
        // An IPv6 literal comes in brackets, which the resolver does not take.
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let port = url.port_or_known_default().unwrap_or(443);
        let addresses: Vec<SocketAddr> =
            timeout_at(deadline, tokio::net::lookup_host((bare, port)))
                .await
                .map_err(|_| FetchError::TimedOut(TIMEOUT.as_secs()))?
                .map_err(|_| FetchError::UnknownHost(host.to_owned()))?
                .collect();
        let first = *addresses
            .first()
            .ok_or_else(|| FetchError::UnknownHost(host.to_owned()))?;
        if !self.allow_private {
            // The message names the host only: echoing what it resolved to would let anyone map
            // the server's internal names.
            if addresses.iter().any(|a| !is_public(a.ip())) {
                return Err(FetchError::PrivateAddress(host.to_owned()));
            }
        }
        Ok(first)
    }
}

/// A client error's words without the address, which may hold the calendar's secret.
fn without_url(error: reqwest::Error) -> String {
    error.without_url().to_string()
}

/// Whether an address is on the public internet: not loopback, private, link-local, shared
/// (carrier-grade NAT), multicast, documentation, benchmarking or reserved space.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_unspecified()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let segments = v6.segments();
            let first = segments[0];
            // 6to4 (2002::/16) carries an IPv4 address in its next 32 bits.
            if first == 0x2002 {
                let [a, b] = segments[1].to_be_bytes();
                let [c, d] = segments[2].to_be_bytes();
                return is_public(IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d)));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // IPv4-compatible (::/96, deprecated) addresses.
                || segments[..6].iter().all(|s| *s == 0)
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first & 0xffc0) == 0xfec0
                || first == 0x2001 && segments[1] == 0x0db8
                || first == 0x0064 && segments[1] == 0xff9b)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_public;

    #[test]
    fn only_public_internet_addresses_are_public() {
        for local in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
            "fec0::1",
            "2002:7f00:1::",
            "2002:a00:1::",
            "::7f00:1",
            "64:ff9b::a00:1",
            "64:ff9b:1::1",
        ] {
            assert!(!is_public(local.parse().unwrap()), "{local}");
        }
        for public in [
            "8.8.8.8",
            "1.1.1.1",
            "142.250.185.206",
            "2a00:1450:4001:80b::200e",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }
}
