(function(){var c=document.getElementById('cfg').dataset,msg=document.getElementById('msg'),
DEGRADED=c.degraded,WAITING=c.waiting,ENDED=JSON.parse(c.ended),
st=document.getElementById('state'),left=+c.left,leftEl=document.getElementById('left'),done=false;
function fmt(s){return s>=3600?Math.floor(s/3600)+' h '+Math.floor(s%3600/60)+' min':s>=60?Math.floor(s/60)+' min':s+' s';}
setInterval(function(){if(!done&&left>0){left--;leftEl.textContent=fmt(left);}},1000);
function end(cls,text){done=true;st.className='status '+cls;st.querySelector('.spinner')&&st.querySelector('.spinner').remove();
msg.textContent=text;var cf=document.getElementById('cancel');if(cf)cf.hidden=true;document.getElementById('expiry').hidden=true;}
function show(j){
if(j.approvalStatus==='APPROVED'){if(c.replay==='true'){end('ok','Approved. Continuing…');location.replace(c.proceed);}
else if(j.sendNow){end('ok','Approved.');location.reload();}
else{end('ok','Approved. Go back and submit your request again.');var b=document.getElementById('back');b.hidden=false;
b.onclick=function(){history.back();};}return true;}
if(j.final){end('bad',ENDED[j.approvalStatus]||j.approvalStatus);setTimeout(function(){location.reload();},300);return true;}
msg.textContent=j.unavailable?DEGRADED:WAITING;
return false;}
function poll(){var t=Date.now();fetch(c.status+'&wait=25',{headers:{'Accept':'application/json'},credentials:'same-origin',cache:'no-store'})
.then(function(r){if(r.status===404){location.reload();throw 0;}if(!r.ok)throw 1;return r.json();})
.then(function(j){if(!show(j))setTimeout(poll,Math.max(0,1000-(Date.now()-t)));})
.catch(function(e){if(e!==0){msg.textContent=DEGRADED;setTimeout(poll,2000);}});}
poll();})();
