; Inno Setup script for kcdesk (Windows 10/11, 64-bit).
; Build after `pyinstaller installer.spec` has produced dist\kcdesk:
;   iscc /DAppVersion=0.1.0 installer\kcdesk.iss
; Per-machine install into Program Files; Start-menu and desktop shortcuts.
; Uninstall removes the program only: the user's data lives in
; %LOCALAPPDATA%\kcdesk and is never touched.

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
PrivilegesRequired=admin
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

[Languages]
Name: "vi"; MessagesFile: "compiler:Languages\Vietnamese.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

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
