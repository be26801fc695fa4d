; Inno Setup script for kcdesk (Windows 10/11, 64-bit).
; Build after `pyinstaller installer.spec` has produced dist\kcdesk:
;   iscc /DAppVersion=0.1.0 installer\kcdesk.iss
; Per-user install by default (no administrator rights needed: a civil servant can
; run it); IT staff may choose "all users" in the first dialog, or pass /ALLUSERS.
; Start-menu and desktop shortcuts. Uninstall removes the program only: the user's
; data lives in %LOCALAPPDATA%\kcdesk and is never touched (docs/packaging.md).
; Vietnamese messages ship beside this script (Languages\Vietnamese.isl): no
; released Inno Setup installs a Vietnamese translation.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6B0E6A43-3C55-4F4B-9B0C-2E7C4B1D7A11}
AppName=kcdesk
AppVersion={#AppVersion}
AppVerName=kcdesk {#AppVersion}
AppPublisher=Trung tâm Khuyến công
DefaultDirName={autopf}\kcdesk
DefaultGroupName=kcdesk
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
UsePreviousPrivileges=yes
CloseApplications=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\dist\installer
OutputBaseFilename=kcdesk-{#AppVersion}-setup
SetupIconFile=..\resources\icons\kcdesk.ico
UninstallDisplayIcon={app}\kcdesk.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; The sign tool is defined on the ISCC command line (/Skcdesksign=...) by the workflow
; when a certificate is available (/DSignInstaller); otherwise the build is unsigned.
#ifdef SignInstaller
SignTool=kcdesksign
SignedUninstaller=yes
#endif

[Languages]
Name: "vi"; MessagesFile: "Languages\Vietnamese.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An upgrade first removes the previous bundle's _internal folder: a migration script
; left over from an older version would be read as an extra Alembic head.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\kcdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\kcdesk"; Filename: "{app}\kcdesk.exe"
Name: "{group}\kcdesk (dữ liệu trình diễn)"; Filename: "{app}\kcdesk.exe"; Parameters: "--demo"
Name: "{group}\{cm:UninstallProgram,kcdesk}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\kcdesk"; Filename: "{app}\kcdesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\kcdesk.exe"; Description: "{cm:LaunchProgram,kcdesk}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] for the data folder: the Centre's database, attachments and
; backups in %LOCALAPPDATA%\kcdesk stay after uninstalling.
