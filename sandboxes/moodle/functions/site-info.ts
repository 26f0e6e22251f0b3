import { userPictureUrl } from '../presenters';
import type { WsFunction } from './function';

const advancedfeatures = [
  ['usecomments', 1],
  ['usetags', 1],
  ['enablenotes', 1],
  ['messaging', 1],
  ['enableblogs', 1],
  ['enablecompletion', 1],
  ['enablebadges', 1],
  ['messagingallusers', 0],
  ['enablecustomreports', 1],
  ['mnet_dispatcher_mode', 0],
].map(([name, value]) => ({ name, value }));

/** `core_webservice_get_site_info` for the token's user; `functions` lists the service's functions. */
export function siteInfo(versions: Map<string, string>): WsFunction {
  return {
    name: 'core_webservice_get_site_info',
    version: '2022112810',
    parameters: {},
    execute(_args, { state, caller, siteUrl }) {
      return {
        sitename: state.settings.sitename,
        username: caller.username,
        firstname: caller.firstname,
        lastname: caller.lastname,
        fullname: `${caller.firstname} ${caller.lastname}`,
        lang: caller.lang,
        userid: caller.id,
        siteurl: siteUrl,
        userpictureurl: userPictureUrl(siteUrl, 'f1'),
        functions: state.service.functions.map((name) => ({ name, version: versions.get(name) ?? '2022112810' })),
        downloadfiles: 0,
        uploadfiles: 0,
        release: '4.1.10 (Build: 20240422)',
        version: '2022112810',
        mobilecssurl: '',
        advancedfeatures,
        usercanmanageownfiles: true,
        userquota: 104857600,
        usermaxuploadfilesize: 67108864,
        userhomepage: 1,
        userprivateaccesskey: state.privateAccessKey,
        siteid: 1,
        sitecalendartype: 'gregorian',
        usercalendartype: 'gregorian',
        userissiteadmin: false,
        theme: 'boost',
        limitconcurrentlogins: 0,
      };
    },
  };
}
