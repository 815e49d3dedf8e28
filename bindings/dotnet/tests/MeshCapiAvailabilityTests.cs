// MeshCapiAvailabilityTests.cs: the availability tests of the .NET
// binding's test program (MeshCapiTests.cs registers and runs them),
// against the emulator's copy of the official tests' model: revisions with
// recurrences and their instances, isolation until commit, updates and
// deletes, basic and complex restrictions, and bad input. Events go on the
// plant's first chimney, which the other tests leave alone.

using System;
using System.Collections.Generic;
using MeshCapi;

static partial class MeshCapiTests
{
    const long Day = 24 * Hour;
    // 2023-01-01T00:00Z, a Sunday.
    const long Jan2023 = 1672531200000L;

    static void AvailabilityRevisions()
    {
        string target = Chimney1Id;
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        using (var other = connection.OpenSession())
        {
            var created = session.CreateRevision(target, "dotnet-revision", "local", "Tilløp ÆØÅ",
                createdAuthor: "Bjørn", createdMs: Jan2023, lastChangedAuthor: "");
            Check(created.IsRevision, "a revision");
            Equal(MeshAvailabilityEventType.Revision, created.Type, "type");
            Equal(Chimney1Id, created.OwnerId, "owner");
            Equal("dotnet-revision", created.EventId, "event id");
            Equal("local", created.LocalId, "local id");
            Equal("Tilløp ÆØÅ", created.Reason, "UTF-8 reason");
            Equal("Bjørn", created.CreatedAuthor, "created author");
            Equal(Jan2023, created.CreatedMs, "created at");
            Equal("", created.LastChangedAuthor, "an empty author is taken as given");
            Equal(0, created.Recurrences.Count, "no recurrences yet");
            Check(created.Category == null && double.IsNaN(created.Value) && created.Timestamps == null,
                "no restriction fields");

            // Every other day, the first 8 hours, until 10 January; and once on 21 January.
            uint first = session.AddRevisionRecurrence(target, "dotnet-revision",
                new AvailabilityRecurrence("Planned", "every other morning", MeshRecurrenceType.Daily, 2, Jan2023 + 9 * Day),
                Jan2023, Jan2023 + 8 * Hour);
            uint second = session.AddRevisionRecurrence(target, "dotnet-revision",
                new AvailabilityRecurrence("Confirmed", null),
                MeshTime.FromUnixMs(Jan2023 + 20 * Day), MeshTime.FromUnixMs(Jan2023 + 21 * Day), "Ola");
            Check(first != second, "recurrence ids differ");

            var read = session.GetAvailabilityEvent(target, "dotnet-revision");
            Equal(2, read.Recurrences.Count, "two recurrences");
            var daily = read.Recurrences[0];
            Equal(first, daily.Id, "first id");
            Equal("Planned", daily.Recurrence.Status, "status");
            Equal("every other morning", daily.Recurrence.Description, "description");
            Equal(MeshRecurrenceType.Daily, daily.Recurrence.Type, "type");
            Equal(2u, daily.Recurrence.Every, "every");
            Equal(Jan2023 + 9 * Day, daily.Recurrence.UntilMs, "until");
            Equal(Jan2023, daily.StartMs, "first period start");
            Equal(Jan2023 + 8 * Hour, daily.EndMs, "first period end");
            // Ended long ago: nothing in force, nothing to come.
            Equal(MeshConstants.TimeNone, daily.ActiveStartMs, "no active instance");
            var once = read.Recurrences[1];
            Equal(second, once.Id, "second id");
            Equal(MeshRecurrenceType.None, once.Recurrence.Type, "once");
            Equal(0u, once.Recurrence.Every, "every not set");
            Equal(MeshConstants.TimeNone, once.Recurrence.UntilMs, "until not set");
            Equal("", once.Recurrence.Description, "null description is empty");
            Equal("Ola", read.LastChangedAuthor, "the change's author");

            // January: days 1, 3, 5, 7, 9 in the morning, and day 21.
            var instances = session.SearchInstances(target, "dotnet-revision", Jan2023, Jan2023 + 31 * Day);
            Equal(6, instances.Count, "instances");
            for (int i = 0; i < 5; i++)
            {
                Equal(Jan2023 + 2 * i * Day, instances[i].StartMs, "start " + i);
                Equal(instances[i].StartMs + 8 * Hour, instances[i].EndMs, "end " + i);
                Check(!instances[i].Value.HasValue, "a revision's instance has no value");
            }
            Equal(new DateTime(2023, 1, 21, 0, 0, 0, DateTimeKind.Utc), instances[5].StartUtc, "the single one");
            Equal(0, session.SearchInstances(target, "dotnet-revision", MeshTime.FromUnixMs(Jan2023 + 22 * Day),
                MeshTime.FromUnixMs(Jan2023 + 31 * Day)).Count, "none after");

            // Isolation until commit; a search of two objects.
            Equal(0, other.SearchAvailabilityEvents(MeshAvailabilityEventType.All, target).Count, "unseen before commit");
            session.Commit();
            var found = other.SearchAvailabilityEvents(MeshAvailabilityEventType.Revision, Chimney2Id, target);
            Equal(1, found.Count, "seen after commit");
            Equal("dotnet-revision", found[0].EventId, "the revision");
            Equal(2, found[0].Recurrences.Count, "with its recurrences");
            Equal(0, other.SearchAvailabilityEvents(MeshAvailabilityEventType.Restriction, target).Count, "no restrictions");

            session.UpdateRevision(target, "dotnet-revision", newReason: "moved", author: "Kari");
            var updated = session.GetAvailabilityEvent(target, "dotnet-revision");
            Equal("moved", updated.Reason, "new reason");
            Equal("local", updated.LocalId, "local id left");
            Equal("Kari", updated.LastChangedAuthor, "author");
            session.DeleteRevisionRecurrence(target, "dotnet-revision", second);
            updated = session.GetAvailabilityEvent(target, "dotnet-revision");
            Equal("", updated.LastChangedAuthor, "no author given, none authenticated: the server records \"\"");
            Equal(1, updated.Recurrences.Count, "one recurrence left");
            Equal(first, updated.Recurrences[0].Id, "the first");
            Throws(MeshStatus.ErrorInvalidArgument, () => session.UpdateRevision(target, "dotnet-revision"));
            Throws(MeshStatus.ErrorNotFound, () => session.DeleteRevisionRecurrence(target, "dotnet-revision", 99));

            session.DeleteAvailabilityEventsById(target, "dotnet-revision");
            Throws(MeshStatus.ErrorNotFound, () => session.GetAvailabilityEvent(target, "dotnet-revision"));
            Throws(MeshStatus.ErrorNotFound, () => session.DeleteAvailabilityEventsById(target, "dotnet-revision"));
            session.Commit();
            Equal(0, other.SearchAvailabilityEvents(MeshAvailabilityEventType.All, target).Count, "gone after commit");
            Equal("Tilløp ÆØÅ", found[0].Reason, "what was read stays as read");
        }
    }

    static void AvailabilityRestrictions()
    {
        string target = Plant + "/SomePowerPlantChimney1";
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            var weekly = new AvailabilityRecurrence("SelfImposed", "weekly", MeshRecurrenceType.Weekly, 1, Jan2023 + 28 * Day);
            var basic = session.CreateRestriction(target, "dotnet-basic", "DischargeMin[m3/s]",
                RestrictionRecurrence.Basic(weekly, Jan2023 + Day, Jan2023 + 2 * Day, 75.5), "b", "why");
            Check(!basic.IsRevision, "a restriction");
            Equal(Chimney1Id, basic.OwnerId, "owner, by path");
            Equal("DischargeMin[m3/s]", basic.Category, "category");
            Check(!basic.IsComplex, "basic");
            Equal(75.5, basic.Value, "value");
            Equal(1, basic.Recurrences.Count, "a restriction has one recurrence");
            Equal(0u, basic.Recurrences[0].Id, "and no recurrence id");
            Equal(Jan2023 + Day, basic.Recurrences[0].StartMs, "period start");
            Equal("weekly", basic.Recurrences[0].Recurrence.Description, "description");

            var curve = RestrictionRecurrence.Complex(new AvailabilityRecurrence("SelfImposed", "steps"),
                new[] { Jan2023 + 8 * Hour, Jan2023 + 12 * Hour, Jan2023 + 16 * Hour }, new[] { 80.0, 60.0, 0.0 });
            var complex = session.CreateRestriction(target, "dotnet-complex", "DischargeMax[m3/s]", curve);
            Check(complex.IsComplex, "complex");
            Equal(3, complex.Timestamps.Length, "points");
            Equal(Jan2023 + 12 * Hour, complex.Timestamps[1], "a point's time");
            Equal(60.0, complex.Values[1], "a point's value");
            Check(double.IsNaN(complex.Value), "no single value");
            Equal(MeshConstants.TimeNone, complex.Recurrences[0].StartMs, "no first period");

            var weeks = session.SearchInstances(target, "dotnet-basic", Jan2023, Jan2023 + 31 * Day);
            Equal(4, weeks.Count, "four Mondays");
            Equal(Jan2023 + 22 * Day, weeks[3].StartMs, "the fourth");
            Equal(75.5, weeks[3].Value.Value, "a restriction's instance has its value");
            var steps = session.SearchInstances(target, "dotnet-complex", Jan2023, Jan2023 + Day);
            Equal(2, steps.Count, "two steps");
            Equal(60.0, steps[1].Value.Value, "the second step's value");
            Equal(Jan2023 + 16 * Hour, steps[1].EndMs, "the last point ends the curve");

            session.UpdateRestriction(target, "dotnet-basic", newCategory: "DischargeMax[m3/s]",
                newRecurrence: RestrictionRecurrence.Basic(new AvailabilityRecurrence("SelfImposed", ""), Jan2023,
                    Jan2023 + Day, 50.0),
                author: "Kari");
            var changed = session.GetAvailabilityEvent(target, "dotnet-basic");
            Equal("DischargeMax[m3/s]", changed.Category, "new category");
            Equal(50.0, changed.Value, "new value");
            Equal("b", changed.LocalId, "local id left");
            Equal("Kari", changed.LastChangedAuthor, "author");
            Throws(MeshStatus.ErrorInvalidArgument, () => session.UpdateRestriction(target, "dotnet-basic"));

            Equal(2, session.SearchAvailabilityEvents(MeshAvailabilityEventType.Restriction, target).Count, "two restrictions");
            session.DeleteAvailabilityEvents(target, MeshAvailabilityEventType.Restriction);
            Equal(0, session.SearchAvailabilityEvents(MeshAvailabilityEventType.Restriction, target).Count, "deleted by type");

            // Checked by the library before any request.
            var none = new AvailabilityRecurrence("SelfImposed", "");
            var rows = new List<KeyValuePair<MeshStatus, Action>>
            {
                Row(MeshStatus.ErrorInvalidArgument, () => session.CreateRestriction(target, "x", "DischargeMin[m3/s]",
                    RestrictionRecurrence.Basic(none, Jan2023 + Day, Jan2023, 1.0))),
                Row(MeshStatus.ErrorInvalidArgument, () => session.CreateRestriction(target, "x", "DischargeMin[m3/s]",
                    RestrictionRecurrence.Complex(none, new[] { Jan2023 }, new[] { 1.0 }))),
                Row(MeshStatus.ErrorInvalidArgument, () => session.AddRevisionRecurrence(target, "x",
                    new AvailabilityRecurrence("Planned", "", (MeshRecurrenceType)9), Jan2023, Jan2023 + Day)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.SearchAvailabilityEvents(MeshAvailabilityEventType.All)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.SearchAvailabilityEvents((MeshAvailabilityEventType)7, target)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.SearchAvailabilityEvents(MeshAvailabilityEventType.All, (string)null)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.SearchInstances(target, "x", Jan2023 + Day, Jan2023)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.GetAvailabilityEvent("neither id nor path", "x")),
                Row(MeshStatus.ErrorNotFound, () => session.GetAvailabilityEvent(target, "no-such-event")),
                Row(MeshStatus.ErrorNotFound, () => session.CreateRevision(Plant + "/NoSuchObject", "x")),
            };
            foreach (var row in rows) Throws(row.Key, row.Value);
        }
    }
}
