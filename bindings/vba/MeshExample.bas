Attribute VB_Name = "MeshExample"
' MeshExample.bas: reads a time series, a catalog entry, model attributes,
' calculations and a planned outage's periods from Mesh into the active
' sheet, signs in with Kerberos, watches a session for expiry by polling,
' and reads a year of a series in the background (start, poll, finish)
' while Excel stays responsive. Needs the MeshCapi module.
Option Explicit

Private Const MeshAddress As String = "127.0.0.1:50051"

' The plant of the official tests' model (the emulator holds a copy).
Private Const PlantPath As String = "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1"

' For SignInWithKerberos: your Mesh server's address (TLS: https://) and its
' service principal; your Mesh administrator knows both.
Private Const MeshKerberosAddress As String = "https://mesh.example.com:50051"
Private Const MeshServicePrincipal As String = "HOST/mesh.example.com"

Private watchedSession As LongPtr
Private watchedConnection As LongPtr

' ReadYearInBackground's read while it runs (0 otherwise), for CancelRead.
Private readOperation As LongPtr

' Rests the polling loop between looks, so that it does not keep a core busy.
Private Declare PtrSafe Sub Sleep Lib "kernel32" (ByVal dwMilliseconds As Long)

' Reads a week of Resource/Demo/Inflow into columns A:C of the active sheet.
Public Sub ReadSeriesIntoSheet()
    Dim connection As LongPtr
    Dim session As LongPtr
    Dim data As Variant
    On Error GoTo Failed
    connection = MeshConnect(MeshAddress)
    session = MeshSessionOpen(connection)
    data = MeshReadSeries(session, "Resource/Demo/Inflow", DateSerial(2025, 1, 1), DateSerial(2025, 1, 8))
    With ActiveSheet
        .Range("A1:C1").Value = Array("Time (UTC)", "Value", "Flags")
        If Not IsEmpty(data) Then .Range("A2").Resize(UBound(data, 1), 3).Value = data
        .Columns("A").NumberFormat = "yyyy-mm-dd hh:mm"
    End With
    MeshSessionClose session
    MeshConnectionClose connection
    Exit Sub
Failed:
    MsgBox Err.Description, vbExclamation, "Mesh"
    If session <> 0 Then mesh_session_close session
    If connection <> 0 Then mesh_connection_close connection
End Sub

' Writes the catalog entry of Resource/Demo/Inflow (key 101) into E1:F9 of
' the active sheet, and the server's units of measurement from H1.
Public Sub CatalogIntoSheet()
    Dim connection As LongPtr
    Dim session As LongPtr
    Dim info As Variant
    Dim units As Variant
    On Error GoTo Failed
    connection = MeshConnect(MeshAddress)
    session = MeshSessionOpen(connection)
    info = MeshSeriesInfo(session, 101)
    units = MeshUnits(session)
    With ActiveSheet
        .Range("E1").Resize(9, 2).Value = info
        If Not IsEmpty(units) Then .Range("H1").Resize(UBound(units, 1), 2).Value = units
    End With
    MeshSessionClose session
    MeshConnectionClose connection
    Exit Sub
Failed:
    MsgBox Err.Description, vbExclamation, "Mesh"
    If session <> 0 Then mesh_session_close session
    If connection <> 0 Then mesh_connection_close connection
End Sub

' Sets the plant's DblAtt to the number typed into L2, if any (commits and
' clears L2), then writes attribute values of the plant into J1:K5 of the
' active sheet and its chimneys' names and paths from J7.
Public Sub ModelIntoSheet()
    Dim connection As LongPtr
    Dim session As LongPtr
    Dim chimneys As Variant
    On Error GoTo Failed
    connection = MeshConnect(MeshAddress)
    session = MeshSessionOpen(connection)
    With ActiveSheet
        If Not IsEmpty(.Range("L2").Value) Then
            MeshSetAttributeDouble session, PlantPath & ".DblAtt", CDbl(.Range("L2").Value)
            MeshCommit session
            .Range("L2").ClearContents
        End If
        .Range("J1:K1").Value = Array("StringAtt", MeshAttributeString(session, PlantPath & ".StringAtt"))
        .Range("J2:K2").Value = Array("DblAtt", MeshAttributeDouble(session, PlantPath & ".DblAtt"))
        .Range("J3:K3").Value = Array("Int64Att", MeshAttributeInt(session, PlantPath & ".Int64Att"))
        .Range("J4:K4").Value = Array("UtcDateTimeAtt", MeshAttributeTime(session, PlantPath & ".UtcDateTimeAtt"))
        .Range("J5:K5").Value = Array("BoolAtt", MeshAttributeValue(session, PlantPath & ".BoolAtt"))
        chimneys = MeshSearchObjects(session, PlantPath, "*[.Type=ChimneyElementType]")
        If Not IsEmpty(chimneys) Then .Range("J7").Resize(UBound(chimneys, 1), 2).Value = chimneys
    End With
    MeshSessionClose session
    MeshConnectionClose connection
    Exit Sub
Failed:
    MsgBox Err.Description, vbExclamation, "Mesh"
    If session <> 0 Then mesh_session_close session
    If connection <> 0 Then mesh_connection_close connection
End Sub

' Writes the daily sums of the plant's hourly TsRawAtt for the first week
' of 2016 into M1:O8 of the active sheet, and its calculated attribute
' TsCalcAtt for 2016-01-01 from Q1.
Public Sub CalculationIntoSheet()
    Dim connection As LongPtr
    Dim session As LongPtr
    Dim days As Variant
    Dim calculated As Variant
    On Error GoTo Failed
    connection = MeshConnect(MeshAddress)
    session = MeshSessionOpen(connection)
    days = MeshTransformSeries(session, PlantPath, ".TsRawAtt", DateSerial(2016, 1, 1), DateSerial(2016, 1, 8), MESH_RESOLUTION_DAY, MESH_TRANSFORM_METHOD_SUM, MESH_TRANSFORM_ZONE_UTC)
    calculated = MeshCalculate(session, PlantPath, "## = @t('.TsCalcAtt')", DateSerial(2016, 1, 1), DateSerial(2016, 1, 2))
    With ActiveSheet
        .Range("M1:O1").Value = Array("Day (UTC)", "Sum", "Flags")
        If Not IsEmpty(days) Then .Range("M2").Resize(UBound(days, 1), 3).Value = days
        .Range("Q1:S1").Value = Array("Time (UTC)", "TsCalcAtt", "Flags")
        If Not IsEmpty(calculated) Then .Range("Q2").Resize(UBound(calculated, 1), 3).Value = calculated
        .Columns("M").NumberFormat = "yyyy-mm-dd"
        .Columns("Q").NumberFormat = "yyyy-mm-dd hh:mm"
    End With
    MeshSessionClose session
    MeshConnectionClose connection
    Exit Sub
Failed:
    MsgBox Err.Description, vbExclamation, "Mesh"
    If session <> 0 Then mesh_session_close session
    If connection <> 0 Then mesh_connection_close connection
End Sub

' Plans a weekly outage of the plant (every Monday from 06:00 to 14:00 UTC,
' until the new year), writes its instances in October 2024 into U1:W5 of
' the active sheet and the plant's events from Y1, then deletes the outage
' again. Nothing is committed (MeshCommit would publish the outage to every
' session): closing the session discards it.
Public Sub OutageIntoSheet()
    Dim connection As LongPtr
    Dim session As LongPtr
    Dim instances As Variant
    Dim events As Variant
    On Error GoTo Failed
    connection = MeshConnect(MeshAddress)
    session = MeshSessionOpen(connection)
    MeshCreateRevision session, PlantPath, "weekly-maintenance", DateSerial(2024, 10, 7) + TimeSerial(6, 0, 0), DateSerial(2024, 10, 7) + TimeSerial(14, 0, 0), MESH_RECURRENCE_TYPE_WEEKLY, 1, DateSerial(2025, 1, 1)
    instances = MeshSearchInstances(session, PlantPath, "weekly-maintenance", DateSerial(2024, 10, 1), DateSerial(2024, 11, 1))
    events = MeshSearchEvents(session, PlantPath)
    With ActiveSheet
        .Range("U1:W1").Value = Array("Start (UTC)", "End (UTC)", "Value")
        If Not IsEmpty(instances) Then .Range("U2").Resize(UBound(instances, 1), 3).Value = instances
        .Columns("U:V").NumberFormat = "yyyy-mm-dd hh:mm"
        .Range("Y1:AD1").Value = Array("Event", "Type", "Local id", "Reason", "Category", "Recurrences")
        If Not IsEmpty(events) Then .Range("Y2").Resize(UBound(events, 1), 6).Value = events
    End With
    MeshDeleteEvents session, PlantPath, "weekly-maintenance"
    MeshSessionClose session
    MeshConnectionClose connection
    Exit Sub
Failed:
    MsgBox Err.Description, vbExclamation, "Mesh"
    If session <> 0 Then mesh_session_close session
    If connection <> 0 Then mesh_connection_close connection
End Sub

' Signs in with Kerberos as the logged-in Windows user (a domain login: no
' password to type, nothing to install), shows who the server takes you
' for, and opens and closes a session. The library renews the Mesh token
' by itself while the connection is in use. A server whose certificate
' Windows does not trust needs its root certificate too:
' MeshConnectKerberos(MeshKerberosAddress, MeshServicePrincipal, "", "C:\Mesh\root.pem").
Public Sub SignInWithKerberos()
    Dim connection As LongPtr
    Dim session As LongPtr
    On Error GoTo Failed
    connection = MeshConnectKerberos(MeshKerberosAddress, MeshServicePrincipal)
    session = MeshSessionOpen(connection)
    MsgBox "Signed in to Mesh " & MeshServerVersion(connection) & " as " & MeshUserDisplayName(connection), vbInformation, "Mesh"
    MeshSessionClose session
    MeshConnectionClose connection
    Exit Sub
Failed:
    MsgBox Err.Description, vbExclamation, "Mesh"
    If session <> 0 Then mesh_session_close session
    If connection <> 0 Then mesh_connection_close connection
End Sub

' Opens a session and checks it every minute; the library keeps it alive,
' and VBA cannot take the library's callbacks, so it polls.
Public Sub StartWatching()
    watchedConnection = MeshConnect(MeshAddress)
    watchedSession = MeshSessionOpen(watchedConnection)
    Application.OnTime Now + TimeValue("00:01:00"), "WatchSession"
End Sub

Public Sub WatchSession()
    If watchedSession = 0 Then Exit Sub
    If MeshSessionIsExpired(watchedSession) Then
        MsgBox "Mesh session " & MeshSessionId(watchedSession) & " expired", vbExclamation, "Mesh"
        StopWatching
    Else
        Application.OnTime Now + TimeValue("00:01:00"), "WatchSession"
    End If
End Sub

Public Sub StopWatching()
    If watchedSession <> 0 Then mesh_session_close watchedSession
    If watchedConnection <> 0 Then mesh_connection_close watchedConnection
    watchedSession = 0
    watchedConnection = 0
End Sub

' Reads 2025 of Resource/Demo/Inflow (key 101) into columns A:C of the
' sheet active when it starts, without freezing Excel: starts the read,
' polls it while the status bar counts the seconds (Excel redraws and takes
' clicks meanwhile), then takes the points. CancelRead stops it: put it on a
' button (Developer > Insert > Button); Esc stops it too.
Public Sub ReadYearInBackground()
    Dim connection As LongPtr
    Dim session As LongPtr
    Dim operation As LongPtr
    Dim data As Variant
    Dim started As Single
    Dim target As Object
    If readOperation <> 0 Then Exit Sub
    On Error GoTo Failed
    Application.EnableCancelKey = xlErrorHandler
    connection = MeshConnect(MeshAddress)
    session = MeshSessionOpen(connection)
    Set target = ActiveSheet
    readOperation = MeshReadByKeyStart(session, 101, DateSerial(2025, 1, 1), DateSerial(2026, 1, 1))
    started = Timer
    Do Until MeshOperationIsDone(readOperation)
        Application.StatusBar = "Reading Resource/Demo/Inflow from Mesh: " & Format(Timer - started, "0") & " s (CancelRead stops it)"
        DoEvents
        Sleep 50
    Loop
    operation = readOperation
    readOperation = 0
    data = MeshReadByKeyFinish(operation)
    Application.StatusBar = False
    With target
        .Range("A1:C1").Value = Array("Time (UTC)", "Value", "Flags")
        If Not IsEmpty(data) Then .Range("A2").Resize(UBound(data, 1), 3).Value = data
        .Columns("A").NumberFormat = "yyyy-mm-dd hh:mm"
    End With
    MeshSessionClose session
    MeshConnectionClose connection
    Exit Sub
Failed:
    Application.StatusBar = False
    If MeshErrorStatus(Err.Number) = MESH_ERROR_CANCELLED Or Err.Number = 18 Then
        MsgBox "Reading cancelled", vbInformation, "Mesh"
    Else
        MsgBox Err.Description, vbExclamation, "Mesh"
    End If
    If readOperation <> 0 Then mesh_operation_free readOperation
    readOperation = 0
    If session <> 0 Then mesh_session_close session
    If connection <> 0 Then mesh_connection_close connection
End Sub

' The Cancel button's macro: ReadYearInBackground's read completes at once
' with MESH_ERROR_CANCELLED, which its loop sees and MeshReadByKeyFinish
' raises.
Public Sub CancelRead()
    If readOperation <> 0 Then MeshOperationCancel readOperation
End Sub

' Call from ThisWorkbook's Workbook_BeforeClose, before Excel unloads the DLL:
'     Private Sub Workbook_BeforeClose(Cancel As Boolean)
'         MeshExample.CloseMesh
'     End Sub
Public Sub CloseMesh()
    CancelRead
    StopWatching
    MeshShutdown
End Sub
