// MeshCapi.Catalog.cs: the time series catalog in the .NET binding of
// mesh_capi: catalog entries (TimeseriesResource), new physical series,
// updates, and units of measurement. Entries and units are read into plain
// objects at once and their handles freed.

using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Threading;
using System.Threading.Tasks;

namespace MeshCapi
{
    /// <summary>
    /// A time series' catalog entry, as read: a snapshot (later updates are
    /// not seen).
    /// </summary>
    public sealed class TimeseriesResource
    {
        internal TimeseriesResource(TimeseriesResourceHandle handle)
        {
            using (handle)
            {
                long key;
                int curve, resolution, temporary;
                Native.Check(Native.mesh_timeseries_resource_key(handle, out key));
                Native.Check(Native.mesh_timeseries_resource_curve_type(handle, out curve));
                Native.Check(Native.mesh_timeseries_resource_resolution(handle, out resolution));
                Native.Check(Native.mesh_timeseries_resource_is_temporary(handle, out temporary));
                Key = key;
                Curve = (MeshCurve)curve;
                Resolution = (MeshResolution)resolution;
                Temporary = temporary != 0;
                Path = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                {
                    return Native.mesh_timeseries_resource_path(handle, b, c, out l);
                });
                Name = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                {
                    return Native.mesh_timeseries_resource_name(handle, b, c, out l);
                });
                Unit = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                {
                    return Native.mesh_timeseries_resource_unit(handle, b, c, out l);
                });
                TimeZone = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                {
                    return Native.mesh_timeseries_resource_time_zone(handle, b, c, out l);
                });
                VirtualExpression = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                {
                    return Native.mesh_timeseries_resource_virtual_expression(handle, b, c, out l);
                });
            }
        }

        /// <summary>0 for a series created in a session that has not committed yet.</summary>
        public long Key { get; private set; }
        /// <summary>E.g. "Resource/Demo/Inflow".</summary>
        public string Path { get; private set; }
        public string Name { get; private set; }
        /// <summary>A newer server may send a value not named in MeshCurve.</summary>
        public MeshCurve Curve { get; private set; }
        public MeshResolution Resolution { get; private set; }
        /// <summary>The unit's name, e.g. "MW"; empty when there is none.</summary>
        public string Unit { get; private set; }
        /// <summary>An IANA name; empty when there is none.</summary>
        public string TimeZone { get; private set; }
        /// <summary>Empty for a physical series.</summary>
        public string VirtualExpression { get; private set; }
        public bool Temporary { get; private set; }
    }

    /// <summary>A unit of measurement: its id (for create and update) and name.</summary>
    public sealed class MeshUnit
    {
        internal MeshUnit(Guid id, string name)
        {
            Id = id;
            Name = name;
        }

        public Guid Id { get; private set; }
        /// <summary>E.g. "MW".</summary>
        public string Name { get; private set; }
    }

    public sealed partial class Session
    {
        /// <summary>The catalog entry of the series with this key (ErrorNotFound if none).</summary>
        public TimeseriesResource GetTimeseriesResource(long key)
        {
            TimeseriesResourceHandle resource;
            Native.Check(Native.mesh_timeseries_resource_read(handle, key, out resource));
            return new TimeseriesResource(resource);
        }

        public Task<TimeseriesResource> GetTimeseriesResourceAsync(long key,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<TimeseriesResourceHandle, TimeseriesResource>(handle,
                (out OperationHandle op) => Native.mesh_timeseries_resource_read_start(handle, key, out op),
                Native.mesh_timeseries_resource_read_finish, resource => new TimeseriesResource(resource), cancellationToken);
        }

        /// <summary>
        /// A new physical series at "Resource" + path + name (path begins and
        /// ends with '/'), seen by other sessions after Commit. Its Key is 0
        /// until then (Mesh assigns keys at commit): address it by Path.
        /// timeZone: an IANA name, for Day or coarser resolution, or null.
        /// </summary>
        public TimeseriesResource CreatePhysicalTimeseries(string path, string name, MeshCurve curve,
            MeshResolution resolution, Guid unitId, string timeZone = null)
        {
            TimeseriesResourceHandle resource;
            Native.Check(Native.mesh_timeseries_resource_create_physical(handle, Text.In(path), Text.In(name),
                (int)curve, (int)resolution, Text.In(unitId.ToString()), Text.In(timeZone), out resource));
            return new TimeseriesResource(resource);
        }

        public Task<TimeseriesResource> CreatePhysicalTimeseriesAsync(string path, string name, MeshCurve curve,
            MeshResolution resolution, Guid unitId, string timeZone = null,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<TimeseriesResourceHandle, TimeseriesResource>(handle,
                (out OperationHandle op) => Native.mesh_timeseries_resource_create_physical_start(handle, Text.In(path),
                    Text.In(name), (int)curve, (int)resolution, Text.In(unitId.ToString()), Text.In(timeZone), out op),
                Native.mesh_timeseries_resource_create_physical_finish, resource => new TimeseriesResource(resource),
                cancellationToken);
        }

        /// <summary>
        /// Changes what is given, in this session: null leaves it as it is;
        /// timeZone "" removes the time zone.
        /// </summary>
        public void UpdateTimeseriesResource(long key, MeshCurve? curve = null, Guid? unitId = null, string timeZone = null)
        {
            Native.Check(Native.mesh_timeseries_resource_update(handle, key,
                curve.HasValue ? (int)curve.Value : MeshConstants.TimeseriesResourceCurveTypeUnchanged,
                unitId.HasValue ? Text.In(unitId.Value.ToString()) : null,
                Text.In(timeZone)));
        }

        public Task UpdateTimeseriesResourceAsync(long key, MeshCurve? curve = null, Guid? unitId = null,
            string timeZone = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_timeseries_resource_update_start(handle, key,
                curve.HasValue ? (int)curve.Value : MeshConstants.TimeseriesResourceCurveTypeUnchanged,
                unitId.HasValue ? Text.In(unitId.Value.ToString()) : null,
                Text.In(timeZone), out op), Native.mesh_timeseries_resource_update_finish, cancellationToken);
        }

        /// <summary>The units of measurement the server knows.</summary>
        public IList<MeshUnit> ListUnits()
        {
            UnitListHandle units;
            Native.Check(Native.mesh_unit_list_read(handle, out units));
            return ReadUnits(units);
        }

        public Task<IList<MeshUnit>> ListUnitsAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<UnitListHandle, IList<MeshUnit>>(handle,
                (out OperationHandle op) => Native.mesh_unit_list_read_start(handle, out op),
                Native.mesh_unit_list_read_finish, ReadUnits, cancellationToken);
        }

        static IList<MeshUnit> ReadUnits(UnitListHandle units)
        {
            using (units)
            {
                UIntPtr count;
                Native.Check(Native.mesh_unit_list_count(units, out count));
                var list = new List<MeshUnit>();
                for (ulong i = 0; i < count.ToUInt64(); i++)
                    list.Add(ReadUnit(units, (UIntPtr)i));
                return new ReadOnlyCollection<MeshUnit>(list);
            }
        }

        /// <summary>The unit named exactly this (case matters); ErrorNotFound if none.</summary>
        public MeshUnit FindUnit(string name)
        {
            UnitListHandle units;
            Native.Check(Native.mesh_unit_list_read(handle, out units));
            return FindUnit(units, name);
        }

        public Task<MeshUnit> FindUnitAsync(string name, CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<UnitListHandle, MeshUnit>(handle,
                (out OperationHandle op) => Native.mesh_unit_list_read_start(handle, out op),
                Native.mesh_unit_list_read_finish, units => FindUnit(units, name), cancellationToken);
        }

        static MeshUnit FindUnit(UnitListHandle units, string name)
        {
            using (units)
            {
                UIntPtr index;
                Native.Check(Native.mesh_unit_list_find(units, Text.In(name), out index));
                return ReadUnit(units, index);
            }
        }

        static MeshUnit ReadUnit(UnitListHandle units, UIntPtr index)
        {
            var id = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_unit_list_id_at(units, index, b, c, out l);
            });
            var name = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_unit_list_name_at(units, index, b, c, out l);
            });
            return new MeshUnit(new Guid(id), name);
        }
    }
}
