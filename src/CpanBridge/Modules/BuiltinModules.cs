using CpanBridge.Core;
using CpanBridge.Core.Registry;

namespace CpanBridge.Modules;

/// <summary>The composition root's list of modules. The core never names a module; this list does.</summary>
public static class BuiltinModules
{
    public static IEnumerable<IBridgeModule> Create(BridgeRuntime runtime) =>
    [
        new Test.TestModule(runtime),
        new System.SystemModule(runtime),
        new Database.DatabaseModule(runtime),
        new Excel.ExcelModule(runtime),
        new Crypto.CryptoModule(),
        new Sftp.SftpModule(runtime),
        new Xml.XmlSimpleModule(),
        new Xml.XmlHelperModule(),
        new Xml.DomModule(),
        new Xml.XPathModule(runtime),
    ];
}
