using System.Text.Json.Nodes;
using CpanBridge.Core;
using DocumentFormat.OpenXml.Packaging;

namespace CpanBridge.Modules.Excel;

internal static class Conditional
{
    public static string Xml(CellRange range, JsonObject options, Styles styles, ref int priority) =>
        throw BridgeException.NotSupported("Excel::Writer::XLSX::Worksheet", "conditional_format");
}

internal static class Validation
{
    public static string Xml(List<(CellRange Range, JsonObject Options)> validations) =>
        throw BridgeException.NotSupported("Excel::Writer::XLSX::Worksheet", "data_validation");
}

internal static class Images
{
    public static SheetImage Load(OpArgs a, int row, int col, string filename, JsonObject options) =>
        throw BridgeException.NotSupported("Excel::Writer::XLSX::Worksheet", "insert_image");

    public static string WriteDrawing(Sheet sheet, XlsxBuilder.PackageParts package, ref int imageCount) => throw new NotSupportedException();
}
