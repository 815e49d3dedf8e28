// MeshCapi.Calc.cs: calculations in the .NET binding of mesh_capi: runs
// of expressions in Mesh's calculation language, the helpers for common
// ones (transform, sum, forecasts, versions), the expressions they build,
// and transformed reads of time series. Results are read into plain
// objects at once and their handles freed.

using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Threading;
using System.Threading.Tasks;

namespace MeshCapi
{
    /// <summary>
    /// A calculation's answer: series, numbers or strings (Kind says which;
    /// the other lists are empty), as read: a snapshot.
    /// </summary>
    public sealed class CalcResult
    {
        internal CalcResult(CalcResultHandle handle)
        {
            using (handle)
            {
                int kind;
                UIntPtr count;
                Native.Check(Native.mesh_calc_result_kind(handle, out kind));
                Native.Check(Native.mesh_calc_result_count(handle, out count));
                Kind = (MeshCalcResult)kind;
                int n = checked((int)count.ToUInt64());
                var series = new List<TimeseriesPoints>();
                var resolutions = new List<MeshResolution>();
                var numbers = new double[Kind == MeshCalcResult.Numbers ? n : 0];
                var strings = new List<string>();
                for (int i = 0; i < n; i++)
                {
                    var index = (UIntPtr)(uint)i;
                    switch (Kind)
                    {
                        case MeshCalcResult.Series:
                            PointListHandle points;
                            int resolution;
                            Native.Check(Native.mesh_calc_result_series_at(handle, index, out points));
                            Native.Check(Native.mesh_calc_result_resolution_at(handle, index, out resolution));
                            series.Add(Session.Take(points));
                            resolutions.Add((MeshResolution)resolution);
                            break;
                        case MeshCalcResult.Numbers:
                            Native.Check(Native.mesh_calc_result_number_at(handle, index, out numbers[i]));
                            break;
                        case MeshCalcResult.Strings:
                            strings.Add(Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                            {
                                return Native.mesh_calc_result_string_at(handle, index, b, c, out l);
                            }));
                            break;
                    }
                }
                Series = new ReadOnlyCollection<TimeseriesPoints>(series);
                Resolutions = new ReadOnlyCollection<MeshResolution>(resolutions);
                Numbers = numbers;
                Strings = new ReadOnlyCollection<string>(strings);
            }
        }

        /// <summary>A newer server may send a value not named in MeshCalcResult.</summary>
        public MeshCalcResult Kind { get; private set; }
        public IList<TimeseriesPoints> Series { get; private set; }
        /// <summary>The resolution of each series, in the order of Series.</summary>
        public IList<MeshResolution> Resolutions { get; private set; }
        public double[] Numbers { get; private set; }
        public IList<string> Strings { get; private set; }
    }

    /// <summary>
    /// The expressions the Session.Calc* helpers run, for use in longer
    /// expressions, and quoting of user text into an expression.
    /// </summary>
    public static class MeshCalc
    {
        /// <summary>`text` as a quoted string literal of the calculation language.</summary>
        public static string Quote(string text)
        {
            return Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_calc_expression_quote(Text.In(text), b, c, out l);
            });
        }

        /// <summary>A time (ms since the Unix epoch, UTC) as a literal of the calculation language.</summary>
        public static string TimeLiteral(long ms)
        {
            return Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_calc_expression_time_literal(ms, b, c, out l);
            });
        }

        public static string Transform(string search, MeshResolution resolution, MeshTransformMethod method,
            MeshTransformZone zone = MeshTransformZone.Default)
        {
            return Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_calc_expression_transform(Text.In(search), (int)resolution, (int)method, (int)zone, b, c, out l);
            });
        }

        public static string Sum(string search)
        {
            return Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_calc_expression_sum(Text.In(search), b, c, out l);
            });
        }

        public static string SumList(string search)
        {
            return Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_calc_expression_sum_list(Text.In(search), b, c, out l);
            });
        }

        public static string AllForecasts(string search)
        {
            return Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_calc_expression_all_forecasts(Text.In(search), b, c, out l);
            });
        }

        /// <summary>Times as for Session.CalcForecast (MeshConstants.TimeNone for none).</summary>
        public static string Forecast(string search, long t0MinMs = MeshConstants.TimeNone,
            long t0MaxMs = MeshConstants.TimeNone, long availableAtMs = MeshConstants.TimeNone)
        {
            return Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_calc_expression_forecast(Text.In(search), t0MinMs, t0MaxMs, availableAtMs, b, c, out l);
            });
        }

        public static string HistoricalVersions(string search, int maxVersions)
        {
            return Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_calc_expression_historical_versions(Text.In(search), maxVersions, b, c, out l);
            });
        }

        public static string AsOfTime(string search, long availableAtMs)
        {
            return Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_calc_expression_as_of_time(Text.In(search), availableAtMs, b, c, out l);
            });
        }
    }

    public sealed partial class Session
    {
        /// <summary>
        /// Runs `expression` (Mesh's calculation language, the result set by
        /// "## = ...") over [startMs, endMs) relative to `target` (an id or
        /// path of an object, attribute or series), in this session. Put
        /// user text into it only through MeshCalc.Quote.
        /// </summary>
        public CalcResult RunCalculation(string target, string expression, long startMs, long endMs)
        {
            CalcResultHandle result;
            Native.Check(Native.mesh_calc_run(handle, Text.In(target), Text.In(expression), startMs, endMs, out result));
            return new CalcResult(result);
        }

        public Task<CalcResult> RunCalculationAsync(string target, string expression, long startMs, long endMs,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<CalcResultHandle, CalcResult>(handle,
                (out OperationHandle op) => Native.mesh_calc_run_start(handle, Text.In(target), Text.In(expression), startMs, endMs, out op),
                Native.mesh_calc_run_finish, result => new CalcResult(result), cancellationToken);
        }

        /// <summary>As RunCalculation, relative to the time series with this key.</summary>
        public CalcResult RunCalculation(long key, string expression, long startMs, long endMs)
        {
            CalcResultHandle result;
            Native.Check(Native.mesh_calc_run_by_key(handle, key, Text.In(expression), startMs, endMs, out result));
            return new CalcResult(result);
        }

        public Task<CalcResult> RunCalculationAsync(long key, string expression, long startMs, long endMs,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<CalcResultHandle, CalcResult>(handle,
                (out OperationHandle op) => Native.mesh_calc_run_by_key_start(handle, key, Text.In(expression), startMs, endMs, out op),
                Native.mesh_calc_run_by_key_finish, result => new CalcResult(result), cancellationToken);
        }

        /// <summary>
        /// The series `search` finds from `target` (or `target` itself when
        /// search is null), transformed to `resolution` by `method`, e.g.
        /// daily sums: MeshResolution.Day, MeshTransformMethod.Sum.
        /// </summary>
        public TimeseriesPoints CalcTransform(string target, string search, long startMs, long endMs,
            MeshResolution resolution, MeshTransformMethod method, MeshTransformZone zone = MeshTransformZone.Default)
        {
            PointListHandle points;
            Native.Check(Native.mesh_calc_run_transform(handle, Text.In(target), Text.In(search), startMs, endMs,
                (int)resolution, (int)method, (int)zone, out points));
            return Take(points);
        }

        public Task<TimeseriesPoints> CalcTransformAsync(string target, string search, long startMs, long endMs,
            MeshResolution resolution, MeshTransformMethod method, MeshTransformZone zone = MeshTransformZone.Default,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return PointsAsync((out OperationHandle op) => Native.mesh_calc_run_transform_start(handle, Text.In(target), Text.In(search), startMs, endMs,
                (int)resolution, (int)method, (int)zone, out op),
                Native.mesh_calc_run_transform_finish, cancellationToken);
        }

        /// <summary>The sum of the values of one series over [startMs, endMs) (NaN when none).</summary>
        public double CalcSum(string target, string search, long startMs, long endMs)
        {
            double sum;
            Native.Check(Native.mesh_calc_run_sum(handle, Text.In(target), Text.In(search), startMs, endMs, out sum));
            return sum;
        }

        public Task<double> CalcSumAsync(string target, string search, long startMs, long endMs,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<double, double>(handle,
                (out OperationHandle op) => Native.mesh_calc_run_sum_start(handle, Text.In(target), Text.In(search), startMs, endMs, out op),
                Native.mesh_calc_run_sum_finish, sum => sum, cancellationToken);
        }

        /// <summary>The point-by-point sum of the series `search` finds.</summary>
        public TimeseriesPoints CalcSumList(string target, string search, long startMs, long endMs)
        {
            PointListHandle points;
            Native.Check(Native.mesh_calc_run_sum_list(handle, Text.In(target), Text.In(search), startMs, endMs, out points));
            return Take(points);
        }

        public Task<TimeseriesPoints> CalcSumListAsync(string target, string search, long startMs, long endMs,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return PointsAsync((out OperationHandle op) => Native.mesh_calc_run_sum_list_start(handle, Text.In(target), Text.In(search), startMs, endMs, out op),
                Native.mesh_calc_run_sum_list_finish, cancellationToken);
        }

        public CalcResult CalcAllForecasts(string target, string search, long startMs, long endMs)
        {
            CalcResultHandle result;
            Native.Check(Native.mesh_calc_run_all_forecasts(handle, Text.In(target), Text.In(search), startMs, endMs, out result));
            return new CalcResult(result);
        }

        public Task<CalcResult> CalcAllForecastsAsync(string target, string search, long startMs, long endMs,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<CalcResultHandle, CalcResult>(handle,
                (out OperationHandle op) => Native.mesh_calc_run_all_forecasts_start(handle, Text.In(target), Text.In(search), startMs, endMs, out op),
                Native.mesh_calc_run_all_forecasts_finish, result => new CalcResult(result), cancellationToken);
        }

        /// <summary>
        /// One forecast: the latest (t0 bounds both TimeNone) or the one whose
        /// t0 is in (t0MinMs, t0MaxMs]; availableAtMs: as known then.
        /// </summary>
        public TimeseriesPoints CalcForecast(string target, string search, long startMs, long endMs,
            long t0MinMs = MeshConstants.TimeNone, long t0MaxMs = MeshConstants.TimeNone,
            long availableAtMs = MeshConstants.TimeNone)
        {
            PointListHandle points;
            Native.Check(Native.mesh_calc_run_forecast(handle, Text.In(target), Text.In(search), startMs, endMs,
                t0MinMs, t0MaxMs, availableAtMs, out points));
            return Take(points);
        }

        public Task<TimeseriesPoints> CalcForecastAsync(string target, string search, long startMs, long endMs,
            long t0MinMs = MeshConstants.TimeNone, long t0MaxMs = MeshConstants.TimeNone,
            long availableAtMs = MeshConstants.TimeNone, CancellationToken cancellationToken = default(CancellationToken))
        {
            return PointsAsync((out OperationHandle op) => Native.mesh_calc_run_forecast_start(handle, Text.In(target), Text.In(search), startMs, endMs,
                t0MinMs, t0MaxMs, availableAtMs, out op),
                Native.mesh_calc_run_forecast_finish, cancellationToken);
        }

        public CalcResult CalcHistoricalVersions(string target, string search, long startMs, long endMs, int maxVersions)
        {
            CalcResultHandle result;
            Native.Check(Native.mesh_calc_run_historical_versions(handle, Text.In(target), Text.In(search), startMs, endMs,
                maxVersions, out result));
            return new CalcResult(result);
        }

        public Task<CalcResult> CalcHistoricalVersionsAsync(string target, string search, long startMs, long endMs, int maxVersions,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<CalcResultHandle, CalcResult>(handle,
                (out OperationHandle op) => Native.mesh_calc_run_historical_versions_start(handle, Text.In(target), Text.In(search), startMs, endMs, maxVersions, out op),
                Native.mesh_calc_run_historical_versions_finish, result => new CalcResult(result), cancellationToken);
        }

        /// <summary>The series as it was at availableAtMs.</summary>
        public TimeseriesPoints CalcAsOfTime(string target, string search, long startMs, long endMs, long availableAtMs)
        {
            PointListHandle points;
            Native.Check(Native.mesh_calc_run_as_of_time(handle, Text.In(target), Text.In(search), startMs, endMs,
                availableAtMs, out points));
            return Take(points);
        }

        public Task<TimeseriesPoints> CalcAsOfTimeAsync(string target, string search, long startMs, long endMs, long availableAtMs,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return PointsAsync((out OperationHandle op) => Native.mesh_calc_run_as_of_time_start(handle, Text.In(target), Text.In(search), startMs, endMs, availableAtMs, out op),
                Native.mesh_calc_run_as_of_time_finish, cancellationToken);
        }

        // ------------------------------------------------------------ transformed reads

        /// <summary>The series transformed on the server (MeshTransformZone.Default means UTC here).</summary>
        public TimeseriesPoints ReadTransformedTimeseries(long key, long startMs, long endMs, MeshResolution resolution,
            MeshTransformMethod method = MeshTransformMethod.Implicit, MeshTransformZone zone = MeshTransformZone.Default)
        {
            PointListHandle points;
            Native.Check(Native.mesh_timeseries_read_transformed_by_key(handle, key, startMs, endMs,
                (int)resolution, (int)method, (int)zone, out points));
            return Take(points);
        }

        public Task<TimeseriesPoints> ReadTransformedTimeseriesAsync(long key, long startMs, long endMs, MeshResolution resolution,
            MeshTransformMethod method = MeshTransformMethod.Implicit, MeshTransformZone zone = MeshTransformZone.Default,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return PointsAsync((out OperationHandle op) => Native.mesh_timeseries_read_transformed_by_key_start(handle, key, startMs, endMs,
                (int)resolution, (int)method, (int)zone, out op),
                Native.mesh_timeseries_read_transformed_by_key_finish, cancellationToken);
        }

        public TimeseriesPoints ReadTransformedTimeseries(string path, long startMs, long endMs, MeshResolution resolution,
            MeshTransformMethod method = MeshTransformMethod.Implicit, MeshTransformZone zone = MeshTransformZone.Default)
        {
            PointListHandle points;
            Native.Check(Native.mesh_timeseries_read_transformed_by_path(handle, Text.In(path), startMs, endMs,
                (int)resolution, (int)method, (int)zone, out points));
            return Take(points);
        }

        public Task<TimeseriesPoints> ReadTransformedTimeseriesAsync(string path, long startMs, long endMs, MeshResolution resolution,
            MeshTransformMethod method = MeshTransformMethod.Implicit, MeshTransformZone zone = MeshTransformZone.Default,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return PointsAsync((out OperationHandle op) => Native.mesh_timeseries_read_transformed_by_path_start(handle, Text.In(path), startMs, endMs,
                (int)resolution, (int)method, (int)zone, out op),
                Native.mesh_timeseries_read_transformed_by_path_finish, cancellationToken);
        }

        public TimeseriesPoints ReadTransformedTimeseries(Guid id, long startMs, long endMs, MeshResolution resolution,
            MeshTransformMethod method = MeshTransformMethod.Implicit, MeshTransformZone zone = MeshTransformZone.Default)
        {
            PointListHandle points;
            Native.Check(Native.mesh_timeseries_read_transformed_by_id(handle, Text.In(id.ToString()), startMs, endMs,
                (int)resolution, (int)method, (int)zone, out points));
            return Take(points);
        }

        public Task<TimeseriesPoints> ReadTransformedTimeseriesAsync(Guid id, long startMs, long endMs, MeshResolution resolution,
            MeshTransformMethod method = MeshTransformMethod.Implicit, MeshTransformZone zone = MeshTransformZone.Default,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return PointsAsync((out OperationHandle op) => Native.mesh_timeseries_read_transformed_by_id_start(handle, Text.In(id.ToString()), startMs, endMs,
                (int)resolution, (int)method, (int)zone, out op),
                Native.mesh_timeseries_read_transformed_by_id_finish, cancellationToken);
        }
    }
}
