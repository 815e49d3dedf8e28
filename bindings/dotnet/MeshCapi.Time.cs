// MeshCapi.Time.cs: wall-clock times in a named time zone to and from the
// library's milliseconds since the Unix epoch (UTC), correctly across
// daylight-saving changes. MeshTime (MeshCapi.cs) converts UTC and
// machine-local DateTimes; MeshLocalTime is for "02:30 in Europe/Oslo"
// whatever the machine's own zone is.
//
// Zone ids are TimeZoneInfo's (FindSystemTimeZoneById):
// - Mono on Linux and macOS: IANA ids ("Europe/Oslo", "CET", "UTC") from the
//   system's tz database (/usr/share/zoneinfo); Windows ids such as
//   "W. Europe Standard Time" are not found (tested on Mono 6.8).
// - .NET 6+: IANA and Windows ids on every OS where it uses ICU (Windows 10
//   1903 and later, Linux with libicu; not in globalization-invariant or NLS
//   mode), as .NET converts one to the other.
// - .NET Framework on Windows: Windows ids only (from the registry).
// Only Mono on Linux has been run here; the others are as Microsoft
// documents them.

using System;

namespace MeshCapi
{
    /// <summary>
    /// Which occurrence of a repeated wall-clock time to take: when clocks go
    /// back (Europe/Oslo 2024-10-27, 03:00 CEST -> 02:00 CET) the times from
    /// 02:00 to 02:59:59.999 happen twice.
    /// </summary>
    public enum MeshAmbiguousTime
    {
        /// <summary>The first occurrence: before the change, in daylight time where the change ends it (02:30 CEST, UTC+2).</summary>
        Earlier = 0,

        /// <summary>The second occurrence: after the change, in standard time where the change ends it (02:30 CET, UTC+1).</summary>
        Later = 1,
    }

    /// <summary>
    /// Wall-clock times in a named time zone (IANA "Europe/Oslo", or a Windows
    /// id where the runtime knows them) to and from the library's ms since the
    /// Unix epoch, UTC. A repeated time (clocks going back) is taken as its
    /// first occurrence unless told otherwise (TimeZoneInfo.ConvertTimeToUtc
    /// takes the second, standard-time one); a skipped time (clocks going
    /// forward) is refused with an ArgumentException. Unknown ids throw
    /// TimeZoneNotFoundException.
    /// </summary>
    public static class MeshLocalTime
    {
        const long Day = 24 * 3600 * 1000L;

        /// <summary>
        /// The time zone timeZoneId names, as TimeZoneInfo.FindSystemTimeZoneById
        /// finds it; throws TimeZoneNotFoundException saying which ids the
        /// runtime takes.
        /// </summary>
        public static TimeZoneInfo FindZone(string timeZoneId)
        {
            if (timeZoneId == null) throw new ArgumentNullException("timeZoneId");
            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);
            }
            catch (TimeZoneNotFoundException e)
            {
                throw new TimeZoneNotFoundException("time zone \"" + timeZoneId + "\" not found: give an IANA id such as"
                    + " \"Europe/Oslo\" (Mono, .NET on Linux and macOS, .NET 6+ on Windows) or a Windows id such as"
                    + " \"W. Europe Standard Time\" (.NET on Windows, .NET 6+ with ICU)", e);
            }
        }

        /// <summary>
        /// The ms UTC of local, a wall-clock time in timeZoneId (DateTimeKind
        /// Unspecified: what new DateTime(y, m, d, h, min, s) gives). A repeated
        /// time is taken as its first occurrence (MeshAmbiguousTime.Earlier:
        /// in CET/CEST the daylight one, UTC+2). Throws ArgumentException for a
        /// time the clocks skip (02:00 to 02:59 in Europe/Oslo on 2024-03-31)
        /// and for a DateTime of Kind Utc or Local (use MeshTime.ToUnixMs).
        /// </summary>
        public static long ToUtcMs(DateTime local, string timeZoneId)
        {
            return ToUtcMs(local, FindZone(timeZoneId), MeshAmbiguousTime.Earlier);
        }

        /// <summary>As ToUtcMs(local, timeZoneId), taking a repeated time's occurrence as told.</summary>
        public static long ToUtcMs(DateTime local, string timeZoneId, MeshAmbiguousTime ambiguous)
        {
            return ToUtcMs(local, FindZone(timeZoneId), ambiguous);
        }

        /// <summary>As ToUtcMs(local, timeZoneId), in a zone found once (FindZone) for many calls.</summary>
        public static long ToUtcMs(DateTime local, TimeZoneInfo zone, MeshAmbiguousTime ambiguous = MeshAmbiguousTime.Earlier)
        {
            if (zone == null) throw new ArgumentNullException("zone");
            if (local.Kind != DateTimeKind.Unspecified)
                throw new ArgumentException("a wall-clock time in " + zone.Id + " has DateTimeKind.Unspecified, not "
                    + local.Kind + " (MeshTime.ToUnixMs converts UTC and machine-local times)", "local");
            if (ambiguous != MeshAmbiguousTime.Earlier && ambiguous != MeshAmbiguousTime.Later)
                throw new ArgumentOutOfRangeException("ambiguous");
            // The wall clock's digits read as if UTC; the instant is that less
            // the zone's offset then. The offsets a day either side are the
            // candidates (a zone whose offset changed twice within two days
            // would need more).
            long wall = MeshTime.ToUnixMs(DateTime.SpecifyKind(local, DateTimeKind.Utc));
            long before = OffsetMs(zone, wall - Day);
            long after = OffsetMs(zone, wall + Day);
            if (before == after) return wall - before;
            bool beforeFits = OffsetMs(zone, wall - before) == before;
            bool afterFits = OffsetMs(zone, wall - after) == after;
            if (beforeFits && afterFits)
            {
                // Repeated: the larger offset is the earlier instant.
                long earlier = Math.Min(wall - before, wall - after), later = Math.Max(wall - before, wall - after);
                return ambiguous == MeshAmbiguousTime.Earlier ? earlier : later;
            }
            if (beforeFits) return wall - before;
            if (afterFits) return wall - after;
            // Skipped: the change is between the two candidates.
            long change = Change(zone, wall - after, wall - before);
            throw new ArgumentException(Format(local) + " does not exist in " + zone.Id + ": its clocks went from "
                + Clock(change + before) + " to " + Clock(change + after) + " (UTC" + Offset(before) + " to UTC"
                + Offset(after) + ")", "local");
        }

        /// <summary>The wall-clock time in timeZoneId at ms UTC (DateTimeKind.Unspecified).</summary>
        public static DateTime FromUtcMs(long ms, string timeZoneId)
        {
            return FromUtcMs(ms, FindZone(timeZoneId));
        }

        /// <summary>As FromUtcMs(ms, timeZoneId), in a zone found once (FindZone).</summary>
        public static DateTime FromUtcMs(long ms, TimeZoneInfo zone)
        {
            if (zone == null) throw new ArgumentNullException("zone");
            return DateTime.SpecifyKind(MeshTime.FromUnixMs(ms + OffsetMs(zone, ms)), DateTimeKind.Unspecified);
        }

        /// <summary>
        /// The wall-clock time in timeZoneId at ms UTC with the zone's offset
        /// then, which tells the two occurrences of a repeated time apart.
        /// DateTimeOffset holds whole minutes: an offset with seconds (some
        /// zones' local mean time before about 1900) throws ArgumentException.
        /// </summary>
        public static DateTimeOffset FromUtcMsOffset(long ms, string timeZoneId)
        {
            return FromUtcMsOffset(ms, FindZone(timeZoneId));
        }

        /// <summary>As FromUtcMsOffset(ms, timeZoneId), in a zone found once (FindZone).</summary>
        public static DateTimeOffset FromUtcMsOffset(long ms, TimeZoneInfo zone)
        {
            if (zone == null) throw new ArgumentNullException("zone");
            return new DateTimeOffset(FromUtcMs(ms, zone), TimeSpan.FromMilliseconds(OffsetMs(zone, ms)));
        }

        /// <summary>The zone's offset from UTC at the instant ms, in ms.</summary>
        static long OffsetMs(TimeZoneInfo zone, long ms)
        {
            return (long)zone.GetUtcOffset(MeshTime.FromUnixMs(ms)).TotalMilliseconds;
        }

        /// <summary>The first instant in (lo, hi] with hi's offset, lo's being another.</summary>
        static long Change(TimeZoneInfo zone, long lo, long hi)
        {
            long target = OffsetMs(zone, hi);
            while (hi - lo > 1)
            {
                long mid = lo + (hi - lo) / 2;
                if (OffsetMs(zone, mid) == target) hi = mid; else lo = mid;
            }
            return hi;
        }

        static string Format(DateTime t)
        {
            return t.ToString("yyyy-MM-dd HH:mm:ss.FFF", System.Globalization.CultureInfo.InvariantCulture);
        }

        static string Clock(long wallMs)
        {
            return MeshTime.FromUnixMs(wallMs).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        }

        static string Offset(long ms)
        {
            var t = TimeSpan.FromMilliseconds(Math.Abs(ms));
            return (ms < 0 ? "-" : "+") + t.Hours.ToString("00") + ":" + t.Minutes.ToString("00");
        }
    }
}
