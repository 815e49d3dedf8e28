// MeshCapiModelTests.cs: the model and calculation tests of the .NET
// binding's test program (MeshCapiTests.cs registers and runs them),
// against the emulator's copy of the official tests' model: values,
// definitions, searches and borrowed items, updates, XY sets, rating
// curves, transforms checked against sums computed here, calculated
// attributes, and bad input.

using System;
using System.Collections.Generic;
using MeshCapi;

static partial class MeshCapiTests
{
    const string Plant = "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1";
    const string PlantId = "0000000a-0001-0000-0000-000000000000";
    const string Chimney1Id = "0000000a-0004-0000-0000-000000000000";
    const string Chimney2Id = "0000000a-0005-0000-0000-000000000000";
    // 2016-01-01T00:00Z: TsRawAtt has value h at h:00 for h = 1..9 (04:00 missing).
    const long Day2016 = 1451606400000L;

    static void ObjectValuesAndDefinition()
    {
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            MeshAttribute dbl;
            using (var plant = session.GetObject(PlantId))
            {
                Equal("SomePowerPlant1", plant.Name, "name");
                Equal(new Guid(PlantId), plant.Id, "id");
                Equal("PlantElementType", plant.TypeName, "type");
                Check(plant.Path.EndsWith("/SomePowerPlant1"), plant.Path);
                Check(plant.OwnerPath.EndsWith("ThermalComponent.ThermalPowerToPlantRef"), plant.OwnerPath);
                Check(plant.OwnerId.Length == 36, plant.OwnerId);
                Check(plant.Attributes.Count > 20, "attributes: " + plant.Attributes.Count);

                dbl = plant.Attribute("DblAtt");
                Equal(MeshValueType.Double, dbl.ValueType, "DblAtt type");
                Equal(1000.0, dbl.GetDouble(), "DblAtt");
                Equal(1, dbl.ValueCount, "DblAtt count");
                Check(!dbl.IsCollection, "DblAtt single");
                Equal(Plant + ".DblAtt", ShortPath(dbl.Path), "DblAtt path");
                Equal("DblAtt", dbl.Name, "DblAtt name");
                Equal(PlantId, dbl.OwnerId, "DblAtt owner");
                Check(dbl.Id != Guid.Empty, "DblAtt id");
                var definition = dbl.Definition;
                Equal("DoubleAttributeDefinition", definition.TypeName, "definition type");
                Equal(1000.0, definition.DefaultDouble, "definition default");
                Check(definition.Tags.Contains("Tag1") && definition.Tags.Contains("Tag3"), string.Join(",", definition.Tags));
                Check(definition.Path.StartsWith("Repository/"), definition.Path);
                Check(definition.Id.Length == 36, definition.Id);
                Equal("SimpleThermalTestRepository", definition.Namespace, "namespace");
                Check(definition.Description != null && definition.Unit != null, "description, unit");
                Check(definition.MinimumDouble <= 1000.0 && definition.MaximumDouble >= 1000.0, "bounds");
                Check(definition.MinimumCardinality <= definition.MaximumCardinality, "cardinality");
                // A field a double definition has not, and a value of another type.
                Throws(MeshStatus.ErrorInvalidArgument, delegate { var x = definition.DefaultInt; });
                Throws(MeshStatus.ErrorInvalidArgument, delegate { dbl.GetInt(); });
                Throws(MeshStatus.ErrorInvalidArgument, delegate { dbl.GetDouble(1); });
                Throws(MeshStatus.ErrorNotFound, delegate { plant.Attribute("NoSuchAttribute"); });

                Equal(64L, plant.Attribute("Int64Att").GetInt(), "Int64Att");
                Check(plant.Attribute("BoolAtt").GetBool(), "BoolAtt");
                Equal("Default string value", plant.Attribute("StringAtt").GetString(), "StringAtt");
                Equal(new DateTime(2022, 5, 10, 7, 24, 15, DateTimeKind.Utc), plant.Attribute("UtcDateTimeAtt").GetUtcTime(), "UtcDateTimeAtt");
                var bools = plant.Attribute("BoolArrayAtt");
                Check(bools.IsCollection, "BoolArrayAtt collection");
                Equal(5, bools.ValueCount, "BoolArrayAtt count");
                Check(!bools.GetBool(0) && bools.GetBool(1) && !bools.GetBool(4), "BoolArrayAtt values");
                Equal(10L, bools.Definition.MaximumCardinality, "BoolArrayAtt cardinality");
                Equal(Chimney2Id, plant.Attribute("SimpleReference").GetTargetId(), "SimpleReference");

                var raw = plant.Attribute("TsRawAtt");
                Equal(MeshValueType.Timeseries, raw.ValueType, "TsRawAtt type");
                var resource = raw.TimeseriesResource;
                Check(resource != null, "TsRawAtt has a series");
                Equal(MeshResolution.Hour, resource.Resolution, "TsRawAtt resolution");
                Equal("cm", resource.Unit, "TsRawAtt unit");
                Equal(resource.Key, raw.TimeseriesKey, "TsRawAtt key");
                var calc = plant.Attribute("TsCalcAtt");
                Check(calc.TimeseriesResource == null, "TsCalcAtt has no series");
                Check(calc.IsLocalExpression, "TsCalcAtt local");
                Check(calc.TimeseriesExpression.Contains(".DblAtt"), calc.TimeseriesExpression);

                var versions = plant.Attribute("ReferenceSeriesAtt").GetLinkVersions();
                Equal(3, versions.Count, "ReferenceSeriesAtt versions");
                Equal(Chimney2Id, versions[0].TargetId, "first version");
                Equal(MeshTime.ToUnixMs(new DateTime(2005, 3, 2, 0, 0, 0, DateTimeKind.Utc)), versions[0].ValidFromMs, "first from");
                Equal(Chimney1Id, versions[1].TargetId, "second version");
            }
            // The object owned its attributes: they are gone with it.
            try
            {
                var name = dbl.Name;
                throw new Exception("an attribute of a disposed object gave " + name);
            }
            catch (ObjectDisposedException) { }

            // An attribute read by itself, without its definition.
            using (var attribute = session.GetAttribute(Plant + ".Int64Att", MeshView.NoDefinitions))
            {
                Equal(64L, attribute.GetInts()[0], "Int64Att by path");
                Check(attribute.Definition == null, "no definition");
            }
            Throws(MeshStatus.ErrorNotFound, delegate { session.GetObject(Plant + "/NoSuchObject"); });
        }
    }

    /// The path without relation names (Model/.../Plant.Att).
    static string ShortPath(string path)
    {
        return path.Replace(".ThermalPowerToPlantRef/", "/");
    }

    static void SearchesAndBorrowedItems()
    {
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            MeshObject first;
            using (var chimneys = session.SearchObjects(PlantId, "*[.Type=ChimneyElementType]", MeshView.NoDefinitions))
            {
                Equal(2, chimneys.Count, "chimneys");
                var names = new List<string>();
                foreach (var chimney in chimneys.Items) names.Add(chimney.Name);
                names.Sort(StringComparer.Ordinal);
                Equal("SomePowerPlantChimney1,SomePowerPlantChimney2", string.Join(",", names), "chimney names");
                first = chimneys[0];
                Check(first.Attribute("DblAtt").ValueType == MeshValueType.Double, "chimney DblAtt");
                Check(first.Attribute("DblAtt").Definition == null, "no definitions in that view");
                Throws(MeshStatus.ErrorInvalidArgument, delegate { var x = chimneys[2]; });
            }
            // Items borrow from their list: disposed with it, never freed alone.
            try
            {
                var name = first.Name;
                throw new Exception("an item of a disposed list gave " + name);
            }
            catch (ObjectDisposedException) { }
            first.Dispose();

            using (var models = session.ListModels())
            {
                var names = new List<string>();
                foreach (var model in models.Items) names.Add(model.Name);
                Check(names.Contains("SimpleThermalTestModel"), string.Join(",", names));
            }
            using (var none = session.SearchObjects(PlantId, "*[.Name=NoSuchThing]"))
                Equal(0, none.Count, "nothing found");
            using (var byDefinition = session.SearchObjectsByDefinition(
                "Repository/SimpleThermalTestRepository/ChimneyElementType", MeshView.NoAttributes))
                Equal(2, byDefinition.Count, "chimneys by definition");
            using (var raws = session.SearchAttributes("0000000b-0001-0000-0000-000000000000", "{*}.TsRawAtt", MeshView.NoDefinitions))
            {
                Equal(3, raws.Count, "the plant's and both chimneys' TsRawAtt");
                foreach (var a in raws.Items) Equal("TsRawAtt", a.Name, "attribute name");
            }
            var linked = session.LinkedFrom(Chimney2Id);
            Check(linked.Count > 0, "links to chimney 2");
            bool simple = false;
            foreach (var reference in linked) simple |= reference.Path.EndsWith(".SimpleReference");
            Check(simple, "SimpleReference links to chimney 2");
        }
    }

    static void UpdateSeenAfterCommit()
    {
        string target = Plant + ".DblAtt";
        using (var connection = Connection.Connect(address))
        using (var writer = connection.OpenSession())
        using (var reader = connection.OpenSession())
        {
            writer.SetAttribute(target, 1234.5);
            writer.SetAttribute(Plant + ".StringAtt", "Tilløp ø");
            using (var mine = writer.GetAttribute(target)) Equal(1234.5, mine.GetDouble(), "own change");
            using (var theirs = reader.GetAttribute(target)) Equal(1000.0, theirs.GetDouble(), "before commit");
            writer.Commit();
            using (var theirs = reader.GetAttribute(target)) Equal(1234.5, theirs.GetDouble(), "after commit");
            using (var theirs = reader.GetAttribute(Plant + ".StringAtt")) Equal("Tilløp ø", theirs.GetString(), "string after commit");
            // Back as the other tests expect it.
            writer.SetAttribute(target, 1000.0);
            writer.SetAttribute(Plant + ".StringAtt", "Default string value");
            writer.Commit();
            using (var theirs = reader.GetAttribute(target)) Equal(1000.0, theirs.GetDouble(), "restored");
            Throws(MeshStatus.ErrorInvalidArgument, delegate { writer.SetAttribute(target, "not a number"); });
        }
    }

    static void CreateRenameDeleteAndLinks()
    {
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            string owner = Plant + ".PlantToChimneyRef";
            using (var created = session.CreateObject(owner, "Chimney Æ"))
            {
                Equal("Chimney Æ", created.Name, "created");
                Equal("ChimneyElementType", created.TypeName, "created type");
            }
            session.RenameObject(Plant + "/Chimney Æ", "Chimney Ø");
            using (var renamed = session.GetObject(Plant + "/Chimney Ø", MeshView.NoAttributes))
                Equal("Chimney Ø", renamed.Name, "renamed");
            session.DeleteObject(Plant + "/Chimney Ø");
            Throws(MeshStatus.ErrorNotFound, delegate { session.GetObject(Plant + "/Chimney Ø"); });

            session.SetLinks(Plant + ".SimpleReference", new[] { Chimney1Id });
            using (var link = session.GetAttribute(Plant + ".SimpleReference"))
                Equal(Chimney1Id, link.GetTargetId(), "link replaced");
            long t1 = MeshTime.ToUnixMs(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            long t2 = MeshTime.ToUnixMs(new DateTime(2002, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            session.SetLinkVersions(Plant + ".ReferenceSeriesAtt", MeshConstants.TimeNone, MeshConstants.TimeNone,
                new[] { new LinkVersion(t1, Chimney1Id), new LinkVersion(t2, "") });
            using (var versioned = session.GetAttribute(Plant + ".ReferenceSeriesAtt"))
            {
                var versions = versioned.GetLinkVersions();
                Equal(2, versions.Count, "versions set");
                Equal(t1, versions[0].ValidFromMs, "from");
                Equal(Chimney1Id, versions[0].TargetId, "to");
                Equal("", versions[1].TargetId, "nothing from t2");
            }
            session.SetLinkVersionEntries(Plant + ".ReferenceSeriesCollectionAtt", new IList<LinkVersion>[]
            {
                new[] { new LinkVersion(t1, Chimney2Id) },
            });
            using (var entries = session.GetAttribute(Plant + ".ReferenceSeriesCollectionAtt"))
            {
                Equal(1, entries.ValueCount, "one entry");
                Equal(Chimney2Id, entries.GetLinkVersions(0)[0].TargetId, "entry target");
            }
            session.SetAttribute(Plant + ".BoolArrayAtt", new[] { true, true });
            session.SetAttribute(Plant + ".Int64Att", 65L);
            using (var changed = session.GetObject(Plant, MeshView.NoDefinitions, "BoolArrayAtt,Int64Att"))
            {
                Equal(2, changed.Attributes.Count, "the named attributes only");
                Equal(2, changed.Attribute("BoolArrayAtt").ValueCount, "bools set");
                Equal(65L, changed.Attribute("Int64Att").GetInt(), "int set");
            }
            using (var tagged = session.GetObject(Plant, MeshView.Full, null, "Tag1"))
            {
                Equal(1, tagged.Attributes.Count, "the tagged attribute only");
                Equal("DblAtt", tagged.Attributes[0].Name, "tagged");
            }
            using (var none = session.GetObject(Plant, MeshView.Full, null, null, "NON_EXISTING"))
                Equal(0, none.Attributes.Count, "a namespace that matches nothing");
            using (var spaced = session.GetObject(Plant, MeshView.Full, null, "Tag1", "SimpleThermalTestRepository"))
                Equal(1, spaced.Attributes.Count, "tag and namespace");
            Throws(MeshStatus.ErrorInvalidArgument, delegate { session.GetObject(Plant, MeshView.Full, "DblAtt", "Tag1"); });
            string definition;
            using (var raw = session.GetAttribute(Plant + ".TsRawAtt"))
                definition = raw.Definition.Path;
            session.UpdateAttributeDefinition(definition, "## = 3\n", "Changed from .NET");
            using (var raw = session.GetAttribute(Plant + ".TsRawAtt"))
            {
                Equal("## = 3\n", raw.Definition.TemplateExpression, "new template expression");
                Equal("Changed from .NET", raw.Definition.Description, "new description");
            }
            Throws(MeshStatus.ErrorInvalidArgument, delegate { session.UpdateAttributeDefinition(definition); });
            session.Rollback();
            using (var back = session.GetAttribute(Plant + ".SimpleReference"))
                Equal(Chimney2Id, back.GetTargetId(), "rolled back");
        }
    }

    static void XySetsAndRatingCurves()
    {
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            string xy = Plant + ".XYSetAtt";
            Equal(0, session.GetXySets(xy, MeshConstants.TimeNone, MeshConstants.TimeNone)[0].Curves.Count, "empty at first");
            session.UpdateXySets(xy, MeshConstants.TimeNone, MeshConstants.TimeNone, new[]
            {
                new XySet(MeshConstants.TimeNone, new[]
                {
                    new XyCurve(1.5, new[] { 0.0, 1.0, 2.0 }, new[] { 0.0, -1.0, -2.0 }),
                    new XyCurve(-4.0, new double[0], new double[0]),
                }),
            });
            var sets = session.GetXySets(xy, MeshConstants.TimeNone, MeshConstants.TimeNone);
            Equal(1, sets.Count, "one set");
            Equal(MeshConstants.TimeNone, sets[0].ValidFromMs, "unversioned");
            Equal(2, sets[0].Curves.Count, "curves");
            // The server sorts curves by reference value.
            Equal(-4.0, sets[0].Curves[0].ReferenceValue, "first reference");
            Equal(0, sets[0].Curves[0].X.Length, "empty curve");
            Equal(1.5, sets[0].Curves[1].ReferenceValue, "second reference");
            Equal("0,1,2", string.Join(",", sets[0].Curves[1].X), "x");
            Equal("0,-1,-2", string.Join(",", sets[0].Curves[1].Y), "y");

            string rating = Plant + ".RatingCurveAtt";
            long start = MeshTime.ToUnixMs(new DateTime(1990, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            long end = MeshTime.ToUnixMs(new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            var curve = session.GetRatingCurve(rating, start, end);
            Equal(2, curve.Count, "rating curve versions");
            Equal(2.0, curve[0].XRangeFrom, "first x range from");
            Equal(4.0, curve[1].XRangeFrom, "second x range from");
            Check(curve[0].XRangeUntil.Length > 0, "segments");
            Equal(10.0, curve[0].XRangeUntil[0], "first bound");
            Equal(1.0, curve[0].FactorA[0], "first factor");
            Equal(0, session.GetRatingCurve(rating, start, end, true)[0].XRangeUntil.Length, "versions only");
            long from = MeshTime.ToUnixMs(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            session.UpdateRatingCurve(rating, from, end, new[]
            {
                new RatingCurveVersion(from, 0.5, new[] { 7.0, 8.0 }, new[] { 1.0, 2.0 }, new[] { 3.0, 4.0 }, new[] { 5.0, 6.0 }),
            });
            var updated = session.GetRatingCurve(rating, start, end);
            Equal(3, updated.Count, "a third version");
            Equal(from, updated[2].ValidFromMs, "third from");
            Equal("7,8", string.Join(",", updated[2].XRangeUntil), "third bounds");
            Equal("5,6", string.Join(",", updated[2].FactorC), "third factor c");
            session.Rollback();
        }
    }

    static void TransformToDaySum()
    {
        long start = MeshTime.ToUnixMs(new DateTime(2032, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        long end = start + 48 * Hour;
        var times = new long[48];
        var values = new double[48];
        var sums = new double[2];
        for (int i = 0; i < 48; i++)
        {
            times[i] = start + i * Hour;
            values[i] = 2.5 + (i % 24) * 0.25 + (i / 24) * 7 + (i * 5) % 3;
            sums[i / 24] += values[i];
        }
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            // Uncommitted: calculations see the session's own points.
            session.WriteTimeseries(Key, start, end, new TimeseriesPoints(times, null, values));
            var byCalc = session.CalcTransform(SeriesPath, null, start, end, MeshResolution.Day,
                MeshTransformMethod.Sum, MeshTransformZone.Utc);
            var byRead = session.ReadTransformedTimeseries(Key, start, end, MeshResolution.Day,
                MeshTransformMethod.Sum, MeshTransformZone.Utc);
            var byPath = session.ReadTransformedTimeseries(SeriesPath, start, end, MeshResolution.Day,
                MeshTransformMethod.Sum, MeshTransformZone.Utc);
            var run = session.RunCalculation(Key, MeshCalc.Transform(null, MeshResolution.Day, MeshTransformMethod.Sum,
                MeshTransformZone.Utc), start, end);
            Equal(MeshCalcResult.Series, run.Kind, "kind");
            Equal(MeshResolution.Day, run.Resolutions[0], "resolution");
            foreach (var days in new[] { byCalc, byRead, byPath, run.Series[0] })
            {
                Equal(2, days.Count, "days");
                for (int d = 0; d < 2; d++)
                {
                    Equal(start + d * 24 * Hour, days.Timestamps[d], "day " + d);
                    Check(Math.Abs(days.Values[d] - sums[d]) <= 1e-9 * sums[d], days.Values[d] + " != " + sums[d]);
                }
            }
            Equal(sums[0] + sums[1], session.CalcSum(SeriesPath, null, start, end), "sum");
            // By a time series attribute's id: the day's largest raw value.
            Guid rawId;
            using (var rawAttribute = session.GetAttribute(Plant + ".TsRawAtt", MeshView.NoDefinitions))
                rawId = rawAttribute.Id;
            var raw = session.ReadTimeseries(rawId, Day2016, Day2016 + 24 * Hour);
            double max = double.NegativeInfinity;
            foreach (var v in raw.Values) if (!double.IsNaN(v)) max = Math.Max(max, v);
            var byId = session.ReadTransformedTimeseries(rawId, Day2016, Day2016 + 24 * Hour,
                MeshResolution.Day, MeshTransformMethod.Max, MeshTransformZone.Utc);
            Equal(1, byId.Count, "by id");
            Equal(max, byId.Values[0], "largest raw value");
            Throws(MeshStatus.ErrorInvalidArgument, delegate
            {
                session.CalcTransform(SeriesPath, null, start, end, MeshResolution.Day, MeshTransformMethod.Implicit);
            });
        }
    }

    static void CalculatedAttributeNumbersStrings()
    {
        long start = Day2016 + Hour, end = Day2016 + 9 * Hour;
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            var raw = session.ReadTimeseries(Plant + ".TsRawAtt", start, end);
            var calc = session.ReadTimeseries(Plant + ".TsCalcAtt", start, end);
            Equal(raw.Count, calc.Count, "points");
            Check(raw.Count >= 8, "raw points: " + raw.Count);
            double rawSum = 0;
            for (int i = 0; i < raw.Count; i++)
            {
                Equal(raw.Timestamps[i], calc.Timestamps[i], "time " + i);
                // TsCalcAtt adds DblAtt (1000); a missing raw value adds nothing.
                double expected = double.IsNaN(raw.Values[i]) ? 1000.0 : raw.Values[i] + 1000.0;
                Equal(expected, calc.Values[i], "calculated " + i);
                if (!double.IsNaN(raw.Values[i])) rawSum += raw.Values[i];
            }
            // (The VBA example's expression: no line end after the last line.)
            var run = session.RunCalculation(PlantId, "## = @t('.TsCalcAtt')", start, end);
            Equal(calc.Count, run.Series[0].Count, "run points");
            for (int i = 0; i < calc.Count; i++) Equal(calc.Values[i], run.Series[0].Values[i], "run " + i);

            // Daily sums over the week the VBA example shows: the first day's
            // is the raw values' sum, the others have no values.
            var days = session.CalcTransform(Plant, ".TsRawAtt", Day2016, Day2016 + 7 * 24 * Hour,
                MeshResolution.Day, MeshTransformMethod.Sum, MeshTransformZone.Utc);
            Equal(7, days.Count, "days");
            Equal(rawSum, days.Values[0], "first day's sum");
            for (int d = 1; d < 7; d++) Check(double.IsNaN(days.Values[d]), "day " + d + ": " + days.Values[d]);

            var number = session.RunCalculation(Plant, MeshCalc.Sum(".TsRawAtt"), start, end);
            Equal(MeshCalcResult.Numbers, number.Kind, "number kind");
            Equal(rawSum, number.Numbers[0], "sum of TsRawAtt");
            Equal(rawSum, session.CalcSum(Plant, ".TsRawAtt", start, end), "CalcSum");
            var text = session.RunCalculation(Plant, "## = @s('.StringAtt')\n", start, end);
            Equal(MeshCalcResult.Strings, text.Kind, "string kind");
            Equal("Default string value", text.Strings[0], "string");
            foreach (var s in new[] { "it's", "'); ## = 1 + ('", "Ærø ; ##" })
                Equal(s, session.RunCalculation(Plant, "## = " + MeshCalc.Quote(s) + "\n", start, end).Strings[0], "quoted " + s);
            Check(MeshCalc.TimeLiteral(Day2016).Contains("2016"), MeshCalc.TimeLiteral(Day2016));

            // Two chimneys' raw series summed point by point.
            string chimneys = "PlantToChimneyRef/*.TsRawAtt";
            var list = session.CalcSumList(Plant, chimneys, start, end);
            var one = session.RunCalculation(Plant, MeshCalc.SumList(chimneys), start, end).Series[0];
            var c1 = session.ReadTimeseries(Plant + "/SomePowerPlantChimney1.TsRawAtt", start, end);
            var c2 = session.ReadTimeseries(Plant + "/SomePowerPlantChimney2.TsRawAtt", start, end);
            Equal(list.Count, one.Count, "sum list points");
            // At each time the sum of the chimneys' values there; a series
            // without a value (chimney 1's is not connected) is left out.
            int compared = 0;
            for (int i = 0; i < list.Count; i++)
            {
                Equal(BitConverter.DoubleToInt64Bits(list.Values[i]), BitConverter.DoubleToInt64Bits(one.Values[i]), "run " + i);
                double sum = 0;
                bool any = false;
                foreach (var chimney in new[] { c1, c2 })
                {
                    int j = Array.IndexOf(chimney.Timestamps, list.Timestamps[i]);
                    if (j < 0 || double.IsNaN(chimney.Values[j])) continue;
                    sum += chimney.Values[j];
                    any = true;
                }
                if (!any) continue;
                Equal(sum, list.Values[i], "sum " + i);
                compared++;
            }
            Check(compared >= 8, "sums compared: " + compared);
            // A model without forecasts or history: empty answers, not failures.
            var forecasts = session.CalcAllForecasts(Plant, ".TsRawAtt", start, end);
            Equal(MeshCalcResult.Series, forecasts.Kind, "forecasts kind");
            Equal(0, forecasts.Series.Count, "no forecasts");
            Check(MeshCalc.AllForecasts(".TsRawAtt").Contains("GetAllForecasts"), "all forecasts expression");
            Check(MeshCalc.Forecast(".TsRawAtt").Contains("GetForecast"), "forecast expression");
            Check(MeshCalc.HistoricalVersions(".TsRawAtt", 2).Contains("GetTsHistoricalVersions"), "history expression");
            Check(MeshCalc.AsOfTime(".TsRawAtt", Day2016).Contains("2016"), "as-of expression");
            var history = session.CalcHistoricalVersions(Plant, ".TsRawAtt", start, end, 2);
            Equal(MeshCalcResult.Series, history.Kind, "history kind");
            Equal(0, history.Series.Count, "no history");
            // Without history, the series as of any time is the series as it is.
            var asOf = session.CalcAsOfTime(Plant, ".TsRawAtt", start, end, Day2016 + 5 * Hour);
            Equal(raw.Count, asOf.Count, "as of");
            for (int i = 0; i < raw.Count; i++)
                Equal(BitConverter.DoubleToInt64Bits(raw.Values[i]), BitConverter.DoubleToInt64Bits(asOf.Values[i]), "as of " + i);
            // One series (a call giving none or several would throw).
            session.CalcForecast(Plant, ".TsRawAtt", start, end, Day2016, Day2016 + 24 * Hour, MeshConstants.TimeNone);
            var e = Throws(MeshStatus.ErrorInvalidArgument, delegate { session.RunCalculation(Plant, "## = 1\n## = @t('.TsRawAtt') *\n", start, end); });
            Check(e.LibraryMessage.Contains("line 2"), e.LibraryMessage);
        }
    }

    static void ModelAndCalcBadInput()
    {
        long start = Day2016, end = Day2016 + 24 * Hour;
        using (var connection = Connection.Connect(address))
        using (var session = connection.OpenSession())
        {
            var rows = new List<KeyValuePair<MeshStatus, Action>>
            {
                Row(MeshStatus.ErrorInvalidArgument, () => session.GetObject(null)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.GetObject("no id, no path")),
                Row(MeshStatus.ErrorInvalidArgument, () => session.GetObject(PlantId, (MeshView)7)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.GetAttribute(Plant + ".DblAtt", MeshView.NoAttributes)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.SearchObjects(PlantId, null)),
                Row(MeshStatus.ErrorNotFound, () => session.GetObject(Plant + "/NoSuchObject")),
                Row(MeshStatus.ErrorNotFound, () => session.RunCalculation(Plant + "/NoSuchObject", "## = 1\n", start, end)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.CalcTransform(Plant, ".TsRawAtt", end, start,
                    MeshResolution.Day, MeshTransformMethod.Sum)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.CalcTransform(Plant, ".TsRawAtt", start, end,
                    MeshResolution.Breakpoint, MeshTransformMethod.Sum)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.CalcTransform(Plant, ".TsRawAtt\n", start, end,
                    MeshResolution.Day, MeshTransformMethod.Sum)),
                Row(MeshStatus.ErrorInvalidArgument, () => session.ReadTransformedTimeseries(Key, start, end,
                    MeshResolution.Breakpoint)),
                Row(MeshStatus.ErrorNotFound, () => session.ReadTransformedTimeseries(999999L, start, end,
                    MeshResolution.Day)),
                Row(MeshStatus.ErrorInvalidArgument, () => MeshCalc.Transform("a\nb", MeshResolution.Day, MeshTransformMethod.Sum)),
            };
            foreach (var row in rows) Throws(row.Key, row.Value);
            // The session is still fine.
            using (var plant = session.GetObject(PlantId, MeshView.NoAttributes)) Equal("SomePowerPlant1", plant.Name, "after the bad calls");
        }
    }

    static KeyValuePair<MeshStatus, Action> Row(MeshStatus status, Action call)
    {
        return new KeyValuePair<MeshStatus, Action>(status, call);
    }
}
