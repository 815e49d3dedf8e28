// MeshCapi.Availability.cs: availability in the .NET binding of mesh_capi:
// revisions (an object out of service) and restrictions (an object running
// with a limit) with their recurrences, and the instances (periods) they
// give. Events and instances are read into plain objects at once (their
// handles freed); what a restriction does is a plain RestrictionRecurrence,
// made into the library's handle for the call that takes it. Changes are
// the session's own until Commit, as every change. Times are ms since the
// Unix epoch, UTC (MeshConstants.TimeNone: none), as in the rest of the
// binding; MeshTime converts them.

using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Threading;
using System.Threading.Tasks;

namespace MeshCapi
{
    /// <summary>
    /// How a period repeats: every Every (0: not set) days, weeks, months
    /// or years by Type, until UntilMs (TimeNone: no end). Status is one of
    /// the server's revision or restriction statuses.
    /// </summary>
    public sealed class AvailabilityRecurrence
    {
        public AvailabilityRecurrence(string status, string description, MeshRecurrenceType type = MeshRecurrenceType.None,
            uint every = 0, long untilMs = MeshConstants.TimeNone)
        {
            Status = status ?? "";
            Description = description ?? "";
            Type = type;
            Every = every;
            UntilMs = untilMs;
        }

        public string Status { get; private set; }
        public string Description { get; private set; }
        /// <summary>A newer server may send a value not named in MeshRecurrenceType.</summary>
        public MeshRecurrenceType Type { get; private set; }
        public uint Every { get; private set; }
        public long UntilMs { get; private set; }
    }

    /// <summary>
    /// What a restriction does: one value over a period (Basic) or a step
    /// curve (Complex: each value from its time to the next, the last point
    /// ending it), repeated as its recurrence says. Checked by the library
    /// when a call takes it.
    /// </summary>
    public sealed class RestrictionRecurrence
    {
        RestrictionRecurrence(AvailabilityRecurrence recurrence)
        {
            if (recurrence == null) throw new ArgumentNullException("recurrence");
            Recurrence = recurrence;
        }

        public static RestrictionRecurrence Basic(AvailabilityRecurrence recurrence, long startMs, long endMs, double value)
        {
            return new RestrictionRecurrence(recurrence) { StartMs = startMs, EndMs = endMs, Value = value };
        }

        /// <summary>At least 2 points, times strictly increasing.</summary>
        public static RestrictionRecurrence Complex(AvailabilityRecurrence recurrence, long[] timestamps, double[] values)
        {
            if (timestamps == null || values == null) throw new ArgumentNullException(timestamps == null ? "timestamps" : "values");
            if (timestamps.Length != values.Length) throw new ArgumentException("timestamps and values differ in length");
            return new RestrictionRecurrence(recurrence)
            {
                StartMs = MeshConstants.TimeNone,
                EndMs = MeshConstants.TimeNone,
                Value = double.NaN,
                Timestamps = (long[])timestamps.Clone(),
                Values = (double[])values.Clone(),
            };
        }

        public AvailabilityRecurrence Recurrence { get; private set; }
        public bool IsComplex { get { return Timestamps != null; } }
        /// <summary>Basic: the period and value; TimeNone and NaN for a complex one.</summary>
        public long StartMs { get; private set; }
        public long EndMs { get; private set; }
        public double Value { get; private set; }
        /// <summary>Complex: the curve's points; null for a basic one.</summary>
        public long[] Timestamps { get; private set; }
        public double[] Values { get; private set; }

        /// <summary>The library's handle for one call (dispose it after).</summary>
        internal RestrictionRecurrenceHandle Make()
        {
            var r = Recurrence;
            RestrictionRecurrenceHandle made;
            if (IsComplex)
                Native.Check(Native.mesh_restriction_recurrence_new_complex(Text.In(r.Status), Text.In(r.Description),
                    (int)r.Type, r.Every, r.UntilMs, Timestamps, Values, (UIntPtr)(uint)Timestamps.Length, out made));
            else
                Native.Check(Native.mesh_restriction_recurrence_new_basic(Text.In(r.Status), Text.In(r.Description),
                    (int)r.Type, r.Every, r.UntilMs, StartMs, EndMs, Value, out made));
            return made;
        }
    }

    /// <summary>
    /// A recurrence of an event as read: its id (revisions; 0 for a
    /// restriction's), its pattern, its first period (TimeNone for a complex
    /// restriction) and the instance in force when it was read, else the next
    /// (TimeNone for none).
    /// </summary>
    public sealed class EventRecurrence
    {
        internal EventRecurrence(uint id, AvailabilityRecurrence recurrence, long startMs, long endMs,
            long activeStartMs, long activeEndMs)
        {
            Id = id;
            Recurrence = recurrence;
            StartMs = startMs;
            EndMs = endMs;
            ActiveStartMs = activeStartMs;
            ActiveEndMs = activeEndMs;
        }

        public uint Id { get; private set; }
        public AvailabilityRecurrence Recurrence { get; private set; }
        public long StartMs { get; private set; }
        public long EndMs { get; private set; }
        public long ActiveStartMs { get; private set; }
        public long ActiveEndMs { get; private set; }
    }

    /// <summary>
    /// A revision or a restriction, as read (a snapshot). A revision has any
    /// number of recurrences; a restriction has one, and a category and a
    /// value (basic) or points (complex).
    /// </summary>
    public sealed class AvailabilityEvent
    {
        AvailabilityEvent() { }

        /// <summary>Revision or Restriction.</summary>
        public MeshAvailabilityEventType Type { get; private set; }
        public bool IsRevision { get { return Type == MeshAvailabilityEventType.Revision; } }
        /// <summary>The id of the object it belongs to.</summary>
        public string OwnerId { get; private set; }
        public string EventId { get; private set; }
        public string LocalId { get; private set; }
        public string Reason { get; private set; }
        /// <summary>A restriction's category; null for a revision.</summary>
        public string Category { get; private set; }
        public string CreatedAuthor { get; private set; }
        public long CreatedMs { get; private set; }
        public string LastChangedAuthor { get; private set; }
        public long LastChangedMs { get; private set; }
        public IList<EventRecurrence> Recurrences { get; private set; }
        /// <summary>A complex restriction (Timestamps and Values); false for a basic one and a revision.</summary>
        public bool IsComplex { get; private set; }
        /// <summary>A basic restriction's value; NaN otherwise.</summary>
        public double Value { get; private set; }
        /// <summary>A complex restriction's curve; null otherwise.</summary>
        public long[] Timestamps { get; private set; }
        public double[] Values { get; private set; }

        /// <summary>Reads every field of an event handle (owned, or borrowed from a list held meanwhile).</summary>
        internal static AvailabilityEvent Read(AvailabilityEventHandle e)
        {
            var result = new AvailabilityEvent();
            int type;
            long ms;
            Native.Check(Native.mesh_availability_event_type(e, out type));
            result.Type = (MeshAvailabilityEventType)type;
            result.OwnerId = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_availability_event_owner_id(e, b, c, out l);
            });
            result.EventId = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_availability_event_event_id(e, b, c, out l);
            });
            result.LocalId = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_availability_event_local_id(e, b, c, out l);
            });
            result.Reason = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_availability_event_reason(e, b, c, out l);
            });
            result.CreatedAuthor = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_availability_event_created_author(e, b, c, out l);
            });
            Native.Check(Native.mesh_availability_event_created_timestamp(e, out ms));
            result.CreatedMs = ms;
            result.LastChangedAuthor = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_availability_event_last_changed_author(e, b, c, out l);
            });
            Native.Check(Native.mesh_availability_event_last_changed_timestamp(e, out ms));
            result.LastChangedMs = ms;
            result.Value = double.NaN;
            if (!result.IsRevision)
            {
                result.Category = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                {
                    return Native.mesh_availability_event_category(e, b, c, out l);
                });
                int complex;
                Native.Check(Native.mesh_availability_event_restriction_is_complex(e, out complex));
                result.IsComplex = complex != 0;
                if (result.IsComplex)
                {
                    UIntPtr points;
                    Native.Check(Native.mesh_availability_event_restriction_point_count(e, out points));
                    int n = checked((int)points.ToUInt64());
                    result.Timestamps = new long[n];
                    result.Values = new double[n];
                    Native.Check(Native.mesh_availability_event_restriction_points(e, result.Timestamps, result.Values, points));
                }
                else
                {
                    double value;
                    Native.Check(Native.mesh_availability_event_restriction_value(e, out value));
                    result.Value = value;
                }
            }

            UIntPtr count;
            Native.Check(Native.mesh_availability_event_recurrence_count(e, out count));
            var recurrences = new List<EventRecurrence>();
            for (ulong i = 0; i < count.ToUInt64(); i++)
            {
                var index = (UIntPtr)i;
                uint id = 0, every;
                int recurrenceType;
                long until, start = MeshConstants.TimeNone, end = MeshConstants.TimeNone, activeStart, activeEnd;
                if (result.IsRevision) Native.Check(Native.mesh_availability_event_recurrence_id_at(e, index, out id));
                var status = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                {
                    return Native.mesh_availability_event_recurrence_status_at(e, index, b, c, out l);
                });
                var description = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                {
                    return Native.mesh_availability_event_recurrence_description_at(e, index, b, c, out l);
                });
                Native.Check(Native.mesh_availability_event_recurrence_type_at(e, index, out recurrenceType));
                Native.Check(Native.mesh_availability_event_recurrence_every_at(e, index, out every));
                Native.Check(Native.mesh_availability_event_recurrence_until_at(e, index, out until));
                if (!result.IsComplex)
                    Native.Check(Native.mesh_availability_event_recurrence_period_at(e, index, out start, out end));
                Native.Check(Native.mesh_availability_event_active_period_at(e, index, out activeStart, out activeEnd));
                recurrences.Add(new EventRecurrence(id,
                    new AvailabilityRecurrence(status, description, (MeshRecurrenceType)recurrenceType, every, until),
                    start, end, activeStart, activeEnd));
            }
            result.Recurrences = new ReadOnlyCollection<EventRecurrence>(recurrences);
            return result;
        }
    }

    /// <summary>One period of an event, [StartMs, EndMs); a restriction's carries its Value (null for a revision's).</summary>
    public sealed class AvailabilityInstance
    {
        internal AvailabilityInstance(long startMs, long endMs, double? value)
        {
            StartMs = startMs;
            EndMs = endMs;
            Value = value;
        }

        public long StartMs { get; private set; }
        public long EndMs { get; private set; }
        public double? Value { get; private set; }
        public DateTime StartUtc { get { return MeshTime.FromUnixMs(StartMs); } }
        public DateTime EndUtc { get { return MeshTime.FromUnixMs(EndMs); } }
    }

    public sealed partial class Session
    {
        // ------------------------------------------------------------ availability
        // target: an object's id or path. Authors left null: the server chooses.

        /// <summary>
        /// A revision (the object out of service) without periods: add them
        /// with AddRevisionRecurrence. createdAuthor and lastChangedAuthor are
        /// taken as given ("" too); createdMs TimeNone: the server's time.
        /// </summary>
        public AvailabilityEvent CreateRevision(string target, string eventId, string localId = null, string reason = null,
            string createdAuthor = null, long createdMs = MeshConstants.TimeNone, string lastChangedAuthor = null)
        {
            AvailabilityEventHandle e;
            Native.Check(Native.mesh_revision_create(handle, Text.In(target), Text.In(eventId), Text.In(localId),
                Text.In(reason), Text.In(createdAuthor), createdMs, Text.In(lastChangedAuthor), out e));
            using (e) return AvailabilityEvent.Read(e);
        }

        public Task<AvailabilityEvent> CreateRevisionAsync(string target, string eventId, string localId = null,
            string reason = null, string createdAuthor = null, long createdMs = MeshConstants.TimeNone,
            string lastChangedAuthor = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<AvailabilityEventHandle, AvailabilityEvent>(handle,
                (out OperationHandle op) => Native.mesh_revision_create_start(handle, Text.In(target), Text.In(eventId),
                    Text.In(localId), Text.In(reason), Text.In(createdAuthor), createdMs, Text.In(lastChangedAuthor), out op),
                Native.mesh_revision_create_finish, ReadOwnedEvent, cancellationToken);
        }

        static AvailabilityEvent ReadOwnedEvent(AvailabilityEventHandle e)
        {
            using (e) return AvailabilityEvent.Read(e);
        }

        /// <summary>A restriction (the object runs with a limit) of a category, e.g. "DischargeMax[m3/s]".</summary>
        public AvailabilityEvent CreateRestriction(string target, string eventId, string category,
            RestrictionRecurrence recurrence, string localId = null, string reason = null, string createdAuthor = null,
            long createdMs = MeshConstants.TimeNone, string lastChangedAuthor = null)
        {
            if (recurrence == null) throw new ArgumentNullException("recurrence");
            AvailabilityEventHandle e;
            using (var made = recurrence.Make())
                Native.Check(Native.mesh_restriction_create(handle, Text.In(target), Text.In(eventId), Text.In(category),
                    Text.In(localId), Text.In(reason), made, Text.In(createdAuthor), createdMs,
                    Text.In(lastChangedAuthor), out e));
            using (e) return AvailabilityEvent.Read(e);
        }

        public Task<AvailabilityEvent> CreateRestrictionAsync(string target, string eventId, string category,
            RestrictionRecurrence recurrence, string localId = null, string reason = null, string createdAuthor = null,
            long createdMs = MeshConstants.TimeNone, string lastChangedAuthor = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (recurrence == null) throw new ArgumentNullException("recurrence");
            return MeshOperation.Start<AvailabilityEventHandle, AvailabilityEvent>(handle, (out OperationHandle op) =>
            {
                // The library copies the recurrence: freed once the call has started.
                using (var made = recurrence.Make())
                    return Native.mesh_restriction_create_start(handle, Text.In(target), Text.In(eventId), Text.In(category),
                        Text.In(localId), Text.In(reason), made, Text.In(createdAuthor), createdMs,
                        Text.In(lastChangedAuthor), out op);
            }, Native.mesh_restriction_create_finish, ReadOwnedEvent, cancellationToken);
        }

        /// <summary>Adds [startMs, endMs), repeated as recurrence says, to a revision; returns the recurrence's id.</summary>
        public uint AddRevisionRecurrence(string target, string eventId, AvailabilityRecurrence recurrence,
            long startMs, long endMs, string author = null)
        {
            if (recurrence == null) throw new ArgumentNullException("recurrence");
            uint id;
            Native.Check(Native.mesh_revision_recurrence_create(handle, Text.In(target), Text.In(eventId),
                Text.In(recurrence.Status), Text.In(recurrence.Description), (int)recurrence.Type, recurrence.Every,
                recurrence.UntilMs, startMs, endMs, Text.In(author), out id));
            return id;
        }

        public Task<uint> AddRevisionRecurrenceAsync(string target, string eventId, AvailabilityRecurrence recurrence,
            long startMs, long endMs, string author = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (recurrence == null) throw new ArgumentNullException("recurrence");
            return MeshOperation.Start<uint, uint>(handle,
                (out OperationHandle op) => Native.mesh_revision_recurrence_create_start(handle, Text.In(target),
                    Text.In(eventId), Text.In(recurrence.Status), Text.In(recurrence.Description), (int)recurrence.Type,
                    recurrence.Every, recurrence.UntilMs, startMs, endMs, Text.In(author), out op),
                Native.mesh_revision_recurrence_create_finish, id => id, cancellationToken);
        }

        public uint AddRevisionRecurrence(string target, string eventId, AvailabilityRecurrence recurrence,
            DateTime start, DateTime end, string author = null)
        {
            return AddRevisionRecurrence(target, eventId, recurrence, MeshTime.ToUnixMs(start), MeshTime.ToUnixMs(end), author);
        }

        public Task<uint> AddRevisionRecurrenceAsync(string target, string eventId, AvailabilityRecurrence recurrence,
            DateTime start, DateTime end, string author = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return AddRevisionRecurrenceAsync(target, eventId, recurrence, MeshTime.ToUnixMs(start), MeshTime.ToUnixMs(end),
                author, cancellationToken);
        }

        public void DeleteRevisionRecurrence(string target, string eventId, uint recurrenceId, string author = null)
        {
            Native.Check(Native.mesh_revision_recurrence_delete(handle, Text.In(target), Text.In(eventId), recurrenceId,
                Text.In(author)));
        }

        public Task DeleteRevisionRecurrenceAsync(string target, string eventId, uint recurrenceId, string author = null,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_revision_recurrence_delete_start(handle, Text.In(target),
                Text.In(eventId), recurrenceId, Text.In(author), out op),
                Native.mesh_revision_recurrence_delete_finish, cancellationToken);
        }

        /// <summary>ErrorNotFound when the object or the event is not found.</summary>
        public AvailabilityEvent GetAvailabilityEvent(string target, string eventId)
        {
            AvailabilityEventHandle e;
            Native.Check(Native.mesh_availability_event_read(handle, Text.In(target), Text.In(eventId), out e));
            using (e) return AvailabilityEvent.Read(e);
        }

        public Task<AvailabilityEvent> GetAvailabilityEventAsync(string target, string eventId, CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<AvailabilityEventHandle, AvailabilityEvent>(handle,
                (out OperationHandle op) => Native.mesh_availability_event_read_start(handle, Text.In(target),
                    Text.In(eventId), out op),
                Native.mesh_availability_event_read_finish, ReadOwnedEvent, cancellationToken);
        }

        /// <summary>The events of a type (All: both) of the objects (at least one), object by object.</summary>
        public IList<AvailabilityEvent> SearchAvailabilityEvents(MeshAvailabilityEventType type, params string[] targets)
        {
            if (targets == null) throw new ArgumentNullException("targets");
            AvailabilityEventListHandle list;
            using (var texts = new TextArray(targets))
                Native.Check(Native.mesh_availability_event_search(handle, (int)type, texts.Pointers,
                    (UIntPtr)(uint)targets.Length, out list));
            return ReadEvents(list);
        }

        /// <summary>SearchAvailabilityEvents, as a Task (the targets as an array: no params before the token).</summary>
        public Task<IList<AvailabilityEvent>> SearchAvailabilityEventsAsync(MeshAvailabilityEventType type, string[] targets,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            if (targets == null) throw new ArgumentNullException("targets");
            return MeshOperation.Start<AvailabilityEventListHandle, IList<AvailabilityEvent>>(handle, (out OperationHandle op) =>
            {
                using (var texts = new TextArray(targets))
                    return Native.mesh_availability_event_search_start(handle, (int)type, texts.Pointers,
                        (UIntPtr)(uint)targets.Length, out op);
            }, Native.mesh_availability_event_search_finish, ReadEvents, cancellationToken);
        }

        static IList<AvailabilityEvent> ReadEvents(AvailabilityEventListHandle list)
        {
            using (list)
            {
                UIntPtr count;
                Native.Check(Native.mesh_availability_event_list_count(list, out count));
                var events = new List<AvailabilityEvent>();
                for (ulong i = 0; i < count.ToUInt64(); i++)
                {
                    IntPtr item;
                    Native.Check(Native.mesh_availability_event_list_at(list, (UIntPtr)i, out item));
                    // Borrowed: read while the list is held, never freed here.
                    events.Add(AvailabilityEvent.Read(new AvailabilityEventHandle(item)));
                }
                return new ReadOnlyCollection<AvailabilityEvent>(events);
            }
        }

        /// <summary>All or none: ErrorNotFound when one is not found.</summary>
        public void DeleteAvailabilityEventsById(string target, params string[] eventIds)
        {
            if (eventIds == null) throw new ArgumentNullException("eventIds");
            using (var ids = new TextArray(eventIds))
                Native.Check(Native.mesh_availability_event_delete_by_id(handle, Text.In(target), ids.Pointers,
                    (UIntPtr)(uint)eventIds.Length));
        }

        /// <summary>DeleteAvailabilityEventsById, as a Task (the ids as an array: no params before the token).</summary>
        public Task DeleteAvailabilityEventsByIdAsync(string target, string[] eventIds, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (eventIds == null) throw new ArgumentNullException("eventIds");
            return DoneAsync((out OperationHandle op) =>
            {
                using (var ids = new TextArray(eventIds))
                    return Native.mesh_availability_event_delete_by_id_start(handle, Text.In(target), ids.Pointers,
                        (UIntPtr)(uint)eventIds.Length, out op);
            }, Native.mesh_availability_event_delete_by_id_finish, cancellationToken);
        }

        /// <summary>Every event of a type (All: every event) of the object.</summary>
        public void DeleteAvailabilityEvents(string target, MeshAvailabilityEventType type)
        {
            Native.Check(Native.mesh_availability_event_delete_by_type(handle, Text.In(target), (int)type));
        }

        public Task DeleteAvailabilityEventsAsync(string target, MeshAvailabilityEventType type, CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_availability_event_delete_by_type_start(handle,
                Text.In(target), (int)type, out op),
                Native.mesh_availability_event_delete_by_type_finish, cancellationToken);
        }

        /// <summary>An event's instances that start or end in [startMs, endMs), earliest first.</summary>
        public IList<AvailabilityInstance> SearchInstances(string target, string eventId, long startMs, long endMs)
        {
            AvailabilityInstanceListHandle list;
            Native.Check(Native.mesh_availability_instance_search(handle, Text.In(target), Text.In(eventId), startMs, endMs,
                out list));
            return ReadInstances(list);
        }

        public Task<IList<AvailabilityInstance>> SearchInstancesAsync(string target, string eventId, long startMs, long endMs,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<AvailabilityInstanceListHandle, IList<AvailabilityInstance>>(handle,
                (out OperationHandle op) => Native.mesh_availability_instance_search_start(handle, Text.In(target),
                    Text.In(eventId), startMs, endMs, out op),
                Native.mesh_availability_instance_search_finish, ReadInstances, cancellationToken);
        }

        static IList<AvailabilityInstance> ReadInstances(AvailabilityInstanceListHandle list)
        {
            using (list)
            {
                UIntPtr count;
                Native.Check(Native.mesh_availability_instance_list_count(list, out count));
                var instances = new List<AvailabilityInstance>();
                for (ulong i = 0; i < count.ToUInt64(); i++)
                {
                    long start, end;
                    double value;
                    Native.Check(Native.mesh_availability_instance_list_period_at(list, (UIntPtr)i, out start, out end));
                    // A revision's instance has no value: the call says so.
                    bool hasValue = Native.mesh_availability_instance_list_value_at(list, (UIntPtr)i, out value) == MeshStatus.Ok;
                    instances.Add(new AvailabilityInstance(start, end, hasValue ? value : (double?)null));
                }
                return new ReadOnlyCollection<AvailabilityInstance>(instances);
            }
        }

        public IList<AvailabilityInstance> SearchInstances(string target, string eventId, DateTime start, DateTime end)
        {
            return SearchInstances(target, eventId, MeshTime.ToUnixMs(start), MeshTime.ToUnixMs(end));
        }

        public Task<IList<AvailabilityInstance>> SearchInstancesAsync(string target, string eventId, DateTime start,
            DateTime end, CancellationToken cancellationToken = default(CancellationToken))
        {
            return SearchInstancesAsync(target, eventId, MeshTime.ToUnixMs(start), MeshTime.ToUnixMs(end), cancellationToken);
        }

        /// <summary>Changes what is not null (at least one of newLocalId and newReason).</summary>
        public void UpdateRevision(string target, string eventId, string newLocalId = null, string newReason = null,
            string author = null)
        {
            Native.Check(Native.mesh_revision_update(handle, Text.In(target), Text.In(eventId), Text.In(newLocalId),
                Text.In(newReason), Text.In(author)));
        }

        public Task UpdateRevisionAsync(string target, string eventId, string newLocalId = null, string newReason = null,
            string author = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_revision_update_start(handle, Text.In(target),
                Text.In(eventId), Text.In(newLocalId), Text.In(newReason), Text.In(author), out op),
                Native.mesh_revision_update_finish, cancellationToken);
        }

        /// <summary>Changes what is not null (at least one of the four new values).</summary>
        public void UpdateRestriction(string target, string eventId, string newLocalId = null, string newReason = null,
            string newCategory = null, RestrictionRecurrence newRecurrence = null, string author = null)
        {
            using (var made = newRecurrence != null ? newRecurrence.Make() : new RestrictionRecurrenceHandle())
                Native.Check(Native.mesh_restriction_update(handle, Text.In(target), Text.In(eventId), Text.In(newLocalId),
                    Text.In(newReason), Text.In(newCategory), made, Text.In(author)));
        }

        public Task UpdateRestrictionAsync(string target, string eventId, string newLocalId = null, string newReason = null,
            string newCategory = null, RestrictionRecurrence newRecurrence = null, string author = null,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) =>
            {
                using (var made = newRecurrence != null ? newRecurrence.Make() : new RestrictionRecurrenceHandle())
                    return Native.mesh_restriction_update_start(handle, Text.In(target), Text.In(eventId),
                        Text.In(newLocalId), Text.In(newReason), Text.In(newCategory), made, Text.In(author), out op);
            }, Native.mesh_restriction_update_finish, cancellationToken);
        }
    }
}
