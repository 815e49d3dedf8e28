// MeshCapi.Curves.cs: XY sets and rating curves in the .NET binding of
// mesh_capi, read into plain objects at once (their handles freed) and
// written from them.

using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Threading;
using System.Threading.Tasks;

namespace MeshCapi
{
    /// <summary>One XY curve: its reference value (e.g. a height) and its points.</summary>
    public sealed class XyCurve
    {
        public XyCurve(double referenceValue, double[] x, double[] y)
        {
            if (x == null || y == null) throw new ArgumentNullException(x == null ? "x" : "y");
            if (x.Length != y.Length) throw new ArgumentException("x and y differ in length");
            ReferenceValue = referenceValue;
            X = x;
            Y = y;
        }

        public double ReferenceValue { get; private set; }
        public double[] X { get; private set; }
        public double[] Y { get; private set; }
    }

    /// <summary>One XY set: when it starts (MeshConstants.TimeNone: unversioned) and its curves.</summary>
    public sealed class XySet
    {
        public XySet(long validFromMs, IList<XyCurve> curves)
        {
            ValidFromMs = validFromMs;
            Curves = new ReadOnlyCollection<XyCurve>(new List<XyCurve>(curves ?? new XyCurve[0]));
        }

        public long ValidFromMs { get; private set; }
        public IList<XyCurve> Curves { get; private set; }
    }

    /// <summary>One version of a rating curve: from when, its x range start and segments.</summary>
    public sealed class RatingCurveVersion
    {
        public RatingCurveVersion(long validFromMs, double xRangeFrom, double[] xRangeUntil,
            double[] factorA, double[] factorB, double[] factorC)
        {
            if (xRangeUntil == null || factorA == null || factorB == null || factorC == null)
                throw new ArgumentNullException("xRangeUntil");
            int n = xRangeUntil.Length;
            if (factorA.Length != n || factorB.Length != n || factorC.Length != n)
                throw new ArgumentException("segment arrays differ in length");
            ValidFromMs = validFromMs;
            XRangeFrom = xRangeFrom;
            XRangeUntil = xRangeUntil;
            FactorA = factorA;
            FactorB = factorB;
            FactorC = factorC;
        }

        public long ValidFromMs { get; private set; }
        public double XRangeFrom { get; private set; }
        public double[] XRangeUntil { get; private set; }
        public double[] FactorA { get; private set; }
        public double[] FactorB { get; private set; }
        public double[] FactorC { get; private set; }
    }

    public sealed partial class Session
    {
        // ------------------------------------------------------------ XY sets and rating curves

        /// <summary>
        /// The XY sets of `target` valid in [startMs, endMs) (both
        /// MeshConstants.TimeNone for an unversioned attribute); versionsOnly:
        /// only when each starts, without curves.
        /// </summary>
        public IList<XySet> GetXySets(string target, long startMs, long endMs, bool versionsOnly = false)
        {
            XySetListHandle sets;
            Native.Check(Native.mesh_xy_set_list_read(handle, Text.In(target), startMs, endMs, versionsOnly ? 1 : 0, out sets));
            return ReadXySets(sets);
        }

        public Task<IList<XySet>> GetXySetsAsync(string target, long startMs, long endMs, bool versionsOnly = false,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<XySetListHandle, IList<XySet>>(handle,
                (out OperationHandle op) => Native.mesh_xy_set_list_read_start(handle, Text.In(target), startMs, endMs,
                    versionsOnly ? 1 : 0, out op),
                Native.mesh_xy_set_list_read_finish, ReadXySets, cancellationToken);
        }

        static IList<XySet> ReadXySets(XySetListHandle sets)
        {
            using (sets)
            {
                UIntPtr count;
                Native.Check(Native.mesh_xy_set_list_count(sets, out count));
                var result = new List<XySet>();
                for (ulong s = 0; s < count.ToUInt64(); s++)
                {
                    var set = (UIntPtr)s;
                    long from;
                    UIntPtr curveCount;
                    Native.Check(Native.mesh_xy_set_list_valid_from_at(sets, set, out from));
                    Native.Check(Native.mesh_xy_set_list_curve_count_at(sets, set, out curveCount));
                    var curves = new List<XyCurve>();
                    for (ulong c = 0; c < curveCount.ToUInt64(); c++)
                    {
                        var curve = (UIntPtr)c;
                        double reference;
                        UIntPtr points;
                        Native.Check(Native.mesh_xy_set_list_curve_reference_value_at(sets, set, curve, out reference));
                        Native.Check(Native.mesh_xy_set_list_curve_point_count_at(sets, set, curve, out points));
                        int n = checked((int)points.ToUInt64());
                        var x = new double[n];
                        var y = new double[n];
                        if (n > 0) Native.Check(Native.mesh_xy_set_list_curve_points_at(sets, set, curve, x, y, points));
                        curves.Add(new XyCurve(reference, x, y));
                    }
                    result.Add(new XySet(from, curves));
                }
                return new ReadOnlyCollection<XySet>(result);
            }
        }

        /// <summary>
        /// Replaces the XY sets of `target` in [startMs, endMs) with these;
        /// both TimeNone (and one set valid from TimeNone) for an unversioned one.
        /// </summary>
        public void UpdateXySets(string target, long startMs, long endMs, IList<XySet> sets)
        {
            using (var built = BuildXySets(sets))
                Native.Check(Native.mesh_xy_set_list_update(handle, Text.In(target), startMs, endMs, built));
        }

        public Task UpdateXySetsAsync(string target, long startMs, long endMs, IList<XySet> sets, CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) =>
            {
                // The library copies the sets: freed once the call has started.
                using (var built = BuildXySets(sets))
                    return Native.mesh_xy_set_list_update_start(handle, Text.In(target), startMs, endMs, built, out op);
            }, Native.mesh_xy_set_list_update_finish, cancellationToken);
        }

        static XySetListHandle BuildXySets(IList<XySet> sets)
        {
            if (sets == null) throw new ArgumentNullException("sets");
            XySetListHandle built;
            Native.Check(Native.mesh_xy_set_list_new(out built));
            try
            {
                foreach (var set in sets)
                {
                    Native.Check(Native.mesh_xy_set_list_add_set(built, set.ValidFromMs));
                    foreach (var curve in set.Curves)
                        Native.Check(Native.mesh_xy_set_list_add_curve(built, curve.ReferenceValue, curve.X, curve.Y,
                            Count(curve.X)));
                }
                return built;
            }
            catch
            {
                built.Dispose();
                throw;
            }
        }

        /// <summary>The rating curve versions of `target` in [startMs, endMs); versionsOnly: without segments.</summary>
        public IList<RatingCurveVersion> GetRatingCurve(string target, long startMs, long endMs, bool versionsOnly = false)
        {
            RatingCurveHandle curve;
            Native.Check(Native.mesh_rating_curve_read(handle, Text.In(target), startMs, endMs, versionsOnly ? 1 : 0, out curve));
            return ReadRatingCurve(curve);
        }

        public Task<IList<RatingCurveVersion>> GetRatingCurveAsync(string target, long startMs, long endMs,
            bool versionsOnly = false, CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<RatingCurveHandle, IList<RatingCurveVersion>>(handle,
                (out OperationHandle op) => Native.mesh_rating_curve_read_start(handle, Text.In(target), startMs, endMs,
                    versionsOnly ? 1 : 0, out op),
                Native.mesh_rating_curve_read_finish, ReadRatingCurve, cancellationToken);
        }

        static IList<RatingCurveVersion> ReadRatingCurve(RatingCurveHandle curve)
        {
            using (curve)
            {
                UIntPtr count;
                Native.Check(Native.mesh_rating_curve_version_count(curve, out count));
                var versions = new List<RatingCurveVersion>();
                for (ulong v = 0; v < count.ToUInt64(); v++)
                {
                    var version = (UIntPtr)v;
                    long from;
                    double xFrom;
                    UIntPtr segments;
                    Native.Check(Native.mesh_rating_curve_valid_from_at(curve, version, out from));
                    Native.Check(Native.mesh_rating_curve_x_range_from_at(curve, version, out xFrom));
                    Native.Check(Native.mesh_rating_curve_segment_count_at(curve, version, out segments));
                    int n = checked((int)segments.ToUInt64());
                    var until = new double[n];
                    var a = new double[n];
                    var b = new double[n];
                    var c = new double[n];
                    if (n > 0) Native.Check(Native.mesh_rating_curve_segments_at(curve, version, until, a, b, c, segments));
                    versions.Add(new RatingCurveVersion(from, xFrom, until, a, b, c));
                }
                return new ReadOnlyCollection<RatingCurveVersion>(versions);
            }
        }

        /// <summary>Replaces the rating curve versions of `target` in [startMs, endMs) with these.</summary>
        public void UpdateRatingCurve(string target, long startMs, long endMs, IList<RatingCurveVersion> versions)
        {
            using (var built = BuildRatingCurve(versions))
                Native.Check(Native.mesh_rating_curve_update(handle, Text.In(target), startMs, endMs, built));
        }

        public Task UpdateRatingCurveAsync(string target, long startMs, long endMs, IList<RatingCurveVersion> versions,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) =>
            {
                using (var built = BuildRatingCurve(versions))
                    return Native.mesh_rating_curve_update_start(handle, Text.In(target), startMs, endMs, built, out op);
            }, Native.mesh_rating_curve_update_finish, cancellationToken);
        }

        static RatingCurveHandle BuildRatingCurve(IList<RatingCurveVersion> versions)
        {
            if (versions == null) throw new ArgumentNullException("versions");
            RatingCurveHandle built;
            Native.Check(Native.mesh_rating_curve_new(out built));
            try
            {
                foreach (var v in versions)
                    Native.Check(Native.mesh_rating_curve_add_version(built, v.ValidFromMs, v.XRangeFrom,
                        v.XRangeUntil, v.FactorA, v.FactorB, v.FactorC, Count(v.XRangeUntil)));
                return built;
            }
            catch
            {
                built.Dispose();
                throw;
            }
        }
    }
}
